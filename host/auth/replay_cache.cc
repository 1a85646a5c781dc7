#include "auth/replay_cache.h"

namespace cdsd {

ReplayCache::Outcome ReplayCache::Remember(const std::string& key, int64_t forget_after, int64_t now) {
  std::lock_guard lock(mutex_);
  DropExpired(now);
  if (seen_.count(key)) return Outcome::kReplayed;
  if (seen_.size() >= capacity_) return Outcome::kFull;
  seen_.emplace(key, forget_after);
  by_expiry_.emplace(forget_after, key);
  return Outcome::kFirstUse;
}

size_t ReplayCache::size() const {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

void ReplayCache::DropExpired(int64_t now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

}  // namespace cdsd
