// Compile-time proof that the current cds/plugin_api.h is a compatible extension of the frozen
// ABI 1.0 header: the same major version, every 1.0 field of the table at the same offset with the
// same size and the same signature, the same buffer layout and the same status codes. An
// accidental reorder, retype or renumbering fails the build of this file.
#include <stddef.h>
#include <stdint.h>

#include <string_view>
#include <type_traits>

// The frozen header declares the same names as the current one, so it lives in a namespace; its
// own #includes are no-ops here because the C headers above are already included.
namespace frozen {
#include "cds_plugin_api_1_0.h"
// Evaluated here, where its unqualified `cds_plugin_api` names the frozen table.
constexpr size_t kTableSize_1_0 = CDS_PLUGIN_API_SIZE_1_0;
constexpr uint32_t kMajor = CDS_PLUGIN_ABI_VERSION_MAJOR;
constexpr uint32_t kMinor = CDS_PLUGIN_ABI_VERSION_MINOR;
constexpr std::string_view kEntrySymbol = CDS_PLUGIN_ENTRY_SYMBOL;
}  // namespace frozen
// The macros would otherwise shadow the current header's definitions.
#undef CDS_PLUGIN_ABI_VERSION_MAJOR
#undef CDS_PLUGIN_ABI_VERSION_MINOR
#undef CDS_PLUGIN_EXPORT
#undef CDS_PLUGIN_ENTRY_SYMBOL
#undef CDS_PLUGIN_API_SIZE_1_0

#include <cds/plugin_api.h>

namespace {

// Maps a type spelled with frozen:: names to the same spelling with current names, through
// pointers, const and function signatures, so signatures can be compared with std::is_same.
template <class T> struct ToCurrent { using type = T; };
template <class T> using ToCurrentT = typename ToCurrent<T>::type;
template <> struct ToCurrent<frozen::cds_status> { using type = cds_status; };
template <> struct ToCurrent<frozen::cds_bytes> { using type = cds_bytes; };
template <> struct ToCurrent<frozen::cds_plugin_instance> { using type = cds_plugin_instance; };
template <> struct ToCurrent<frozen::cds_plugin_api> { using type = cds_plugin_api; };
template <class T> struct ToCurrent<T*> { using type = ToCurrentT<T>*; };
template <class T> struct ToCurrent<const T> { using type = const ToCurrentT<T>; };
template <class R, class... Args> struct ToCurrent<R(Args...)> {
  using type = ToCurrentT<R>(ToCurrentT<Args>...);
};

static_assert(frozen::kMajor == CDS_PLUGIN_ABI_VERSION_MAJOR,
              "the ABI major version changed: every 1.x plugin in the field stops loading");
static_assert(CDS_PLUGIN_ABI_VERSION_MINOR >= frozen::kMinor, "the ABI minor version went down");
static_assert(frozen::kEntrySymbol == CDS_PLUGIN_ENTRY_SYMBOL, "the entry symbol was renamed");
static_assert(std::is_same_v<ToCurrentT<frozen::cds_plugin_entry_fn>, cds_plugin_entry_fn>,
              "the entry point's signature changed");
static_assert(frozen::kTableSize_1_0 == CDS_PLUGIN_API_SIZE_1_0,
              "CDS_PLUGIN_API_SIZE_1_0 changed: hosts would refuse valid 1.0 plugins");
static_assert(sizeof(cds_plugin_api) >= sizeof(frozen::cds_plugin_api),
              "the function table shrank: it may only grow at the end");

// One field of the 1.0 table: same offset, size and type (after mapping frozen names).
#define EXPECT_FIELD_UNCHANGED(field)                                                         \
  static_assert(offsetof(cds_plugin_api, field) == offsetof(frozen::cds_plugin_api, field), \
                "cds_plugin_api." #field " moved");                                          \
  static_assert(sizeof(cds_plugin_api::field) == sizeof(frozen::cds_plugin_api::field),     \
                "cds_plugin_api." #field " changed size");                                   \
  static_assert(std::is_same_v<ToCurrentT<decltype(frozen::cds_plugin_api::field)>,         \
                               decltype(cds_plugin_api::field)>,                             \
                "cds_plugin_api." #field " changed type or signature")

EXPECT_FIELD_UNCHANGED(abi_major);
EXPECT_FIELD_UNCHANGED(abi_minor);
EXPECT_FIELD_UNCHANGED(struct_size);
EXPECT_FIELD_UNCHANGED(get_info);
EXPECT_FIELD_UNCHANGED(create);
EXPECT_FIELD_UNCHANGED(destroy);
EXPECT_FIELD_UNCHANGED(evaluate);
EXPECT_FIELD_UNCHANGED(free_bytes);
#undef EXPECT_FIELD_UNCHANGED

static_assert(sizeof(cds_bytes) == sizeof(frozen::cds_bytes) &&
                  offsetof(cds_bytes, data) == offsetof(frozen::cds_bytes, data) &&
                  offsetof(cds_bytes, size) == offsetof(frozen::cds_bytes, size) &&
                  std::is_same_v<ToCurrentT<decltype(frozen::cds_bytes::data)>, decltype(cds_bytes::data)> &&
                  std::is_same_v<ToCurrentT<decltype(frozen::cds_bytes::size)>, decltype(cds_bytes::size)>,
              "cds_bytes changed layout");

static_assert(sizeof(cds_status) == sizeof(frozen::cds_status), "cds_status changed size");
constexpr bool SameCode(frozen::cds_status frozen_code, cds_status current_code) {
  return static_cast<int>(frozen_code) == static_cast<int>(current_code);
}
static_assert(SameCode(frozen::CDS_STATUS_OK, CDS_STATUS_OK) &&
                  SameCode(frozen::CDS_STATUS_INVALID_ARGUMENT, CDS_STATUS_INVALID_ARGUMENT) &&
                  SameCode(frozen::CDS_STATUS_INVALID_SETTINGS, CDS_STATUS_INVALID_SETTINGS) &&
                  SameCode(frozen::CDS_STATUS_UNSUPPORTED, CDS_STATUS_UNSUPPORTED) &&
                  SameCode(frozen::CDS_STATUS_RESOURCE_EXHAUSTED, CDS_STATUS_RESOURCE_EXHAUSTED) &&
                  SameCode(frozen::CDS_STATUS_INTERNAL, CDS_STATUS_INTERNAL),
              "a cds_status code was renumbered");

}  // namespace
