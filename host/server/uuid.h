// Random (version 4) UUIDs for evaluation ids and card uuids.
#ifndef CDSD_HOST_SERVER_UUID_H_
#define CDSD_HOST_SERVER_UUID_H_

#include <string>

namespace cdsd {

std::string NewUuid();

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_UUID_H_
