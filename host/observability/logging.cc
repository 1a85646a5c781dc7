#include "observability/logging.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace cdsd {
namespace {

std::atomic<bool> g_json{false};

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void ConfigureLogging(const std::string& format, const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("cdsd");
  spdlog::set_default_logger(logger);
  g_json = format == "json";
  if (g_json) {
    // The message part is a JSON object body built with nlohmann, so values are escaped.
    spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);
  }
  SetLogLevel(level);
  spdlog::flush_on(spdlog::level::info);
  // libprotobuf (shared with the plugins) would otherwise write to stderr in its own format.
  // Its messages name fields and types, never field values.
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel level, const char*, int, const std::string& message) {
    LogEvent(level >= google::protobuf::LOGLEVEL_ERROR ? LogLevel::kError : LogLevel::kWarn, "protobuf",
             {{"message", message}});
  });
}

void SetLogLevel(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level == "warn" ? "warning" : level));
}

void LogEvent(LogLevel level, const std::string& event, const nlohmann::json& fields) {
  auto logger = spdlog::default_logger_raw();
  const auto spd_level = ToSpdlog(level);
  if (!logger->should_log(spd_level)) return;
  if (g_json) {
    nlohmann::json line = fields.is_object() ? fields : nlohmann::json::object();
    line["event"] = event;
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    logger->log(spd_level, "{}", std::string_view(text).substr(1, text.size() - 2));
    return;
  }
  std::string text = event;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    // Plain strings print as they are; anything that could forge a line or a field (control
    // characters, quotes, backslashes, bytes that are not ASCII) is printed as an escaped JSON
    // string instead.
    const bool plain = it->is_string() && [&] {
      for (unsigned char c : it->get_ref<const std::string&>()) {
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
      }
      return true;
    }();
    text += " " + it.key() + "=" +
            (plain ? it->get<std::string>()
                   : it->dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
  }
  logger->log(spd_level, "{}", text);
}

}  // namespace cdsd
