// Remembers the `jti` of every accepted token until the token could no longer be accepted
// anyway (its exp plus the clock skew), so a captured token cannot be sent twice. Bounded:
// when full of live entries it refuses new tokens instead of forgetting old ones, because
// forgetting would reopen the replay window.
#ifndef CDSD_HOST_AUTH_REPLAY_CACHE_H_
#define CDSD_HOST_AUTH_REPLAY_CACHE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cdsd {

class ReplayCache {
 public:
  enum class Outcome { kFirstUse, kReplayed, kFull };

  explicit ReplayCache(size_t capacity) : capacity_(capacity) {}

  // `forget_after` is the unix second after which the token is dead on its own.
  Outcome Remember(const std::string& key, int64_t forget_after, int64_t now);
  size_t size() const;

 private:
  void DropExpired(int64_t now);

  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int64_t> seen_;
  std::multimap<int64_t, std::string> by_expiry_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_AUTH_REPLAY_CACHE_H_
