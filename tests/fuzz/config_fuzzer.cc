// Fuzzes config parsing: any YAML text must give a config or a list of problems, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)cdsd::ParseConfig(text, "/nonexistent/fuzz/cdsd.yaml");
  return 0;
}
