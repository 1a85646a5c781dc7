// What a plugin library exports, read from the file with Boost.DLL's library_info (no loading,
// so nothing of the plugin runs). The ABI allows exactly one exported symbol, cds_plugin_entry:
// anything else can interpose on the host's symbols or another plugin's.
#ifndef CDS_PLUGIN_CHECK_EXPORTED_SYMBOLS_H_
#define CDS_PLUGIN_CHECK_EXPORTED_SYMBOLS_H_

#include <filesystem>

#include "check_result.h"

namespace cds_plugin_check {

CheckResult CheckExportedSymbols(const std::filesystem::path& plugin);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_EXPORTED_SYMBOLS_H_
