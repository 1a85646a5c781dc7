// Lists a library's exported symbols with Boost.DLL and compares them with the one the ABI allows.
#include "exported_symbols.h"

#include <cds/plugin_api.h>
#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>
// library_info.hpp uses std::vector without including it (Boost 1.74).
#include <boost/dll/library_info.hpp>

namespace cds_plugin_check {
namespace {

constexpr char kName[] = "exported symbols";

// "_ZN3foo3barEv" -> "foo::bar()", so a leak is recognisable; C names stay as they are.
std::string Readable(const std::string& symbol) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status), std::free);
  return status == 0 && demangled ? demangled.get() : symbol;
}

// Template arguments make some names hundreds of characters long; the start identifies them.
std::string Shortened(const std::string& name) {
  constexpr size_t kLength = 120;
  return name.size() <= kLength ? name : name.substr(0, kLength) + "...";
}

}  // namespace

CheckResult CheckExportedSymbols(const std::filesystem::path& plugin) {
  std::vector<std::string> sections;
  std::vector<std::string> symbols;
  try {
    boost::dll::library_info info(plugin);
    sections = info.sections();
    symbols = info.symbols();
  } catch (const std::exception& e) {
    return CheckResult::Fail(kName, "cannot read a symbol table: not an ELF shared library for "
                                    "this platform",
                             {std::string("Boost.DLL library_info: ") + e.what()});
  }
  // library_info reads the full symbol table (.symtab); `strip` removes it, leaving nothing to
  // check. Checking the unstripped build is what proves the link flags right.
  if (std::find(sections.begin(), sections.end(), ".symtab") == sections.end()) {
    return CheckResult::Fail(kName, "cannot list the exports: the library is stripped (no "
                                    ".symtab); check the unstripped build instead");
  }
  std::sort(symbols.begin(), symbols.end());
  symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
  const bool has_entry =
      std::find(symbols.begin(), symbols.end(), CDS_PLUGIN_ENTRY_SYMBOL) != symbols.end();
  // Constructors and destructors have several mangled names each; list each readable name once.
  std::set<std::string> readable;
  for (const std::string& symbol : symbols) {
    if (symbol != CDS_PLUGIN_ENTRY_SYMBOL) readable.insert(Readable(symbol));
  }
  std::vector<std::string> leaked;
  size_t leaked_total = 0;
  for (const std::string& name : readable) NoteProblem(leaked, leaked_total, "exports " + Shortened(name));
  NoteOmitted(leaked, leaked_total);
  if (!has_entry) {
    leaked.insert(leaked.begin(), "does not export " CDS_PLUGIN_ENTRY_SYMBOL);
    return CheckResult::Fail(kName, "the entry point is not exported", std::move(leaked));
  }
  if (leaked_total > 0) {
    return CheckResult::Fail(kName, std::to_string(leaked_total) +
                                        " names exported besides " CDS_PLUGIN_ENTRY_SYMBOL
                                        " (build with cds_add_plugin: hidden visibility and the "
                                        "cds_plugin.map version script)",
                             std::move(leaked));
  }
  return CheckResult::Pass(kName, CDS_PLUGIN_ENTRY_SYMBOL " only");
}

}  // namespace cds_plugin_check
