// Operational logging: one line per event, as text or JSON lines (setting logging.format).
// Events carry ids, names, counts and reasons only, never patient identifiers or clinical values.
#ifndef CDSD_HOST_OBSERVABILITY_LOGGING_H_
#define CDSD_HOST_OBSERVABILITY_LOGGING_H_

#include <nlohmann/json.hpp>
#include <string>

namespace cdsd {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// format: "text" or "json"; level: trace, debug, info, warn or error.
void ConfigureLogging(const std::string& format, const std::string& level);
// Changes the level only (applied on reload).
void SetLogLevel(const std::string& level);

// Writes one event. `fields` must hold no patient data.
void LogEvent(LogLevel level, const std::string& event, const nlohmann::json& fields = nlohmann::json::object());

}  // namespace cdsd

#endif  // CDSD_HOST_OBSERVABILITY_LOGGING_H_
