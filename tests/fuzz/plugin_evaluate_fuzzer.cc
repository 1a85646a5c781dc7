// Fuzzes each built-in plugin's evaluate through the C ABI with arbitrary EvaluateInput bytes, as
// the host would pass them: the plugin must answer a status (and free its buffers), never crash.
// The first byte picks the plugin.
#include <cds/plugin_api.h>
#include <dlfcn.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct LoadedPlugin {
  const cds_plugin_api* api = nullptr;
  cds_plugin_instance* instance = nullptr;
};

constexpr std::array<const char*, 3> kPlugins = {
    "libketamine_eligibility.so", "libketamine_dosing_schedule.so",
    "libketamine_side_effect_triage.so"};

LoadedPlugin Load(const char* file) {
  const std::string path = std::string(CDS_PLUGIN_DIR) + "/" + file;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::fprintf(stderr, "fuzz_plugin_evaluate: cannot load %s: %s\n", path.c_str(), dlerror());
    std::abort();
  }
  auto entry = reinterpret_cast<cds_plugin_entry_fn>(dlsym(handle, CDS_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) std::abort();
  LoadedPlugin plugin;
  plugin.api = entry();
  cds_bytes error{};
  if (plugin.api->create("{}", 2, &plugin.instance, &error) != CDS_STATUS_OK) {
    std::fprintf(stderr, "fuzz_plugin_evaluate: %s refused default settings\n", file);
    std::abort();
  }
  plugin.api->free_bytes(error.data);
  return plugin;
}

const std::array<LoadedPlugin, 3>& Plugins() {
  static const std::array<LoadedPlugin, 3> plugins = {Load(kPlugins[0]), Load(kPlugins[1]),
                                                      Load(kPlugins[2])};
  return plugins;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const LoadedPlugin& plugin = Plugins()[data[0] % kPlugins.size()];
  cds_bytes response{};
  cds_bytes error{};
  const cds_status status =
      plugin.api->evaluate(plugin.instance, data + 1, size - 1, &response, &error);
  (void)status;
  plugin.api->free_bytes(response.data);
  plugin.api->free_bytes(error.data);
  return 0;
}
