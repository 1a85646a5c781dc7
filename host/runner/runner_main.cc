// cdsd-plugin-runner: runs one plugin in its own process for cdsd (isolation: process), so a
// plugin that crashes, aborts, exits or hangs takes down only this process. cdsd starts it with
// one end of a Unix socketpair as --fd and speaks the protocol of plugin/runner_protocol.h:
// handshake (load the library with the same checks as cdsd, answer its PluginInfo; create the
// instance), then any number of concurrent evaluate calls, answered by request id from a fixed
// set of threads. Answers are copied out of the plugin's buffers, which are released here: no
// plugin-owned memory ever leaves this process. EOF on the socket ends the process.
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "plugin/plugin_library.h"
#include "plugin/runner_protocol.h"

namespace {

using cdsd::runner::EncodeFields;
using cdsd::runner::EncodeFrame;
using cdsd::runner::Frame;
using cdsd::runner::FrameKind;

struct Options {
  int fd = 3;
  int threads = 4;
  long long memory_limit_mb = 0;
  std::string service = "?";
};

[[noreturn]] void Die(const Options& o, const std::string& message) {
  std::fprintf(stderr, "cdsd-plugin-runner[%s]: %s\n", o.service.c_str(), message.c_str());
  std::_Exit(2);
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}

  // Blocks until a frame arrives; nullopt at EOF. Exits on a protocol violation.
  std::optional<Frame> Read(const Options& o) {
    char buffer[64 << 10];
    while (true) {
      auto next = decoder_.Next();
      if (!next.ok()) Die(o, "invalid frame from cdsd: " + std::string(next.status().message()));
      if (*next) return std::move(**next);
      const ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n == 0) return std::nullopt;
      if (n < 0) {
        if (errno == EINTR) continue;
        return std::nullopt;
      }
      decoder_.Append(buffer, static_cast<size_t>(n));
    }
  }

  // Writes one whole frame; frames of concurrent threads never interleave.
  void Write(const std::string& frame) {
    std::lock_guard lock(write_mutex_);
    size_t done = 0;
    while (done < frame.size()) {
      const ssize_t n = ::send(fd_, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        std::_Exit(0);  // cdsd is gone: nothing left to answer
      }
    }
  }

 private:
  int fd_;
  cdsd::runner::FrameDecoder decoder_;
  std::mutex write_mutex_;
};

void Fail(Socket& socket, const std::string& message) {
  socket.Write(EncodeFrame(FrameKind::kFailed, 0, EncodeFields({message})));
  std::_Exit(1);
}

// The evaluate calls waiting for a thread. Unbounded on purpose: cdsd bounds how many calls it
// sends (the plugin's bulkhead permits), so the queue never holds more than that.
class CallQueue {
 public:
  void Push(Frame frame) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(frame));
    }
    ready_.notify_one();
  }
  Frame Pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return !queue_.empty(); });
    Frame frame = std::move(queue_.front());
    queue_.pop_front();
    return frame;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Frame> queue_;
};

std::string Answer(const cds_plugin_api& api, cds_plugin_instance* instance, const Frame& call) {
  cds_bytes response{nullptr, 0};
  cds_bytes error{nullptr, 0};
  const cds_status status = api.evaluate(instance, reinterpret_cast<const uint8_t*>(call.payload.data()),
                                         call.payload.size(), &response, &error);
  // Copied into the frame, then released with the plugin's own free_bytes.
  std::string_view response_view(reinterpret_cast<const char*>(response.data), response.data ? response.size : 0);
  std::string error_text;
  if (status != CDS_STATUS_OK) error_text = cdsd::TakeError(api, &error);
  const std::string frame =
      EncodeFrame(FrameKind::kResult, call.request_id,
                  EncodeFields({cdsd::runner::EncodeStatus(static_cast<uint32_t>(status)),
                                status == CDS_STATUS_OK ? response_view : std::string_view(), error_text}));
  if (response.data) api.free_bytes(response.data);
  if (error.data) api.free_bytes(error.data);
  return frame;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const char* value = argv[i + 1];
    if (key == "--fd") o.fd = std::atoi(value);
    else if (key == "--threads") o.threads = std::max(1, std::min(256, std::atoi(value)));
    else if (key == "--memory-limit-mb") o.memory_limit_mb = std::atoll(value);
    else if (key == "--service") o.service = value;
    else Die(o, "unknown option " + key);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  // The runner never outlives cdsd.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (o.memory_limit_mb > 0) {
    const rlim_t bytes = static_cast<rlim_t>(o.memory_limit_mb) << 20;
    rlimit limit{bytes, bytes};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) {
      Die(o, std::string("cannot set plugin_runners.memory_limit_mb (setrlimit: ") + std::strerror(errno) +
                 "); under the shipped systemd unit allow it with a drop-in: SystemCallFilter=setrlimit");
    }
  }
  Socket socket(o.fd);

  auto hello = socket.Read(o);
  if (!hello || hello->kind != FrameKind::kHello) Die(o, "expected the handshake");
  auto fields = cdsd::runner::DecodeFields(hello->payload, 3);
  if (!fields.ok()) Die(o, "malformed handshake");
  const std::string version = std::to_string(cdsd::runner::kProtocolVersion);
  if ((*fields)[0] != version) Fail(socket, "runner speaks protocol " + version + ", cdsd sent " + std::string((*fields)[0]));
  auto library = cdsd::PluginLibrary::Load(std::string((*fields)[1]), std::string((*fields)[2]));
  if (!library.ok()) Fail(socket, std::string(library.status().message()));
  const cds_plugin_api& api = (*library)->api();
  const cdsd::AbiVersion abi = (*library)->abi_version();
  const std::string info = (*library)->info().SerializeAsString();
  socket.Write(EncodeFrame(FrameKind::kInfo, 0,
                           EncodeFields({version, std::to_string(abi.major) + "." + std::to_string(abi.minor), info})));

  auto create = socket.Read(o);
  if (!create) return 0;
  if (create->kind != FrameKind::kCreate) Die(o, "expected the settings");
  auto settings = cdsd::runner::DecodeFields(create->payload, 1);
  if (!settings.ok()) Die(o, "malformed settings frame");
  cds_plugin_instance* instance = nullptr;
  cds_bytes error{nullptr, 0};
  const cds_status status = api.create((*settings)[0].data(), (*settings)[0].size(), &instance, &error);
  if (status != CDS_STATUS_OK) {
    Fail(socket, "plugin '" + o.service + "' (" + (*library)->path().string() + ") refused its settings (" +
                     cdsd::StatusName(status) + "): " + cdsd::TakeError(api, &error));
  }
  if (instance == nullptr) Fail(socket, "plugin '" + o.service + "': create returned OK but no instance");
  socket.Write(EncodeFrame(FrameKind::kReady, 0, {}));

  CallQueue queue;
  std::vector<std::thread> workers;
  for (int i = 0; i < o.threads; ++i) {
    workers.emplace_back([&] {
      while (true) {
        const Frame call = queue.Pop();
        socket.Write(Answer(api, instance, call));
      }
    });
  }
  while (auto frame = socket.Read(o)) {
    if (frame->kind != FrameKind::kEvaluate) Die(o, "unexpected frame after the handshake");
    queue.Push(std::move(*frame));
  }
  // cdsd closed the socket: nobody is waiting for answers. Calls still running are abandoned
  // with the process (the plugin's destroy is not called while they may be inside it).
  std::_Exit(0);
}
