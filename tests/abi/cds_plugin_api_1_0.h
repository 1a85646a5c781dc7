/* FROZEN: cds/plugin_api.h as released for ABI 1.0, byte for byte below this comment except
 * the include guard. Never edit it: tests/abi builds a plugin against it and checks the current
 * header against it, so a breaking change to the ABI fails the build or the tests. */
/*
 * cds/plugin_api.h: the stable C ABI between cdsd and decision-support plugins.
 *
 * A plugin is a shared library that exports exactly one symbol, `cds_plugin_entry`, returning a
 * table of function pointers. Everything a plugin and the host exchange is C data: integers,
 * `{pointer, length}` byte buffers and NUL-terminated UTF-8 strings. Structured payloads are
 * protobuf wire-format bytes of the messages in protos/cds/plugin/v1/plugin.proto; wire format is
 * the contract, so a plugin may decode it with any conforming protobuf implementation and never
 * needs the host's generated code, gRPC or build tree.
 *
 * Conventions (they hold for every function below unless its comment says otherwise):
 *
 *  - Versioning. CDS_PLUGIN_ABI_VERSION_MAJOR changes only for a breaking change; the host
 *    refuses a plugin whose major differs from its own. CDS_PLUGIN_ABI_VERSION_MINOR grows when
 *    entries are appended to cds_plugin_api; the host refuses a plugin whose minor is greater than
 *    its own (the plugin may rely on entries the host does not know) and accepts any older minor.
 *  - The table only grows at the end. `struct_size` tells the host how much of it the plugin
 *    was compiled with; the host never reads past it.
 *  - Naming: functions in cds_plugin_api are implemented by the plugin and called by the host.
 *  - Ownership. Input buffers belong to the caller and are valid only for the duration of the
 *    call: copy what you keep. Output buffers (`cds_bytes`) are allocated by the plugin and owned
 *    by the host from the moment the call returns, until the host passes them to the same
 *    plugin's `free_bytes`. Strings in the table itself live as long as the library is loaded.
 *  - Errors. Every fallible function returns a cds_status. On anything but CDS_STATUS_OK the
 *    plugin may set `*error` to a UTF-8 message (plugin-allocated, freed with `free_bytes`) and
 *    must leave every other output empty. Messages must not contain patient data: the host logs
 *    them.
 *  - Nothing else crosses the boundary: no C++ exceptions (a plugin must catch everything; the
 *    C++ SDK does), no C++ objects, no longjmp, no process-wide state changes (signal handlers,
 *    locale, current directory, environment).
 *  - Threads. `evaluate` is called concurrently from many host threads on the same instance; it
 *    must be thread-safe and should not block (the host abandons a call after its timeout but
 *    cannot stop it). `create` and `destroy` of one instance never overlap any other call on that
 *    instance. Different instances of one plugin may be used concurrently.
 */
#ifndef CDS_PLUGIN_API_1_0_FROZEN_H_
#define CDS_PLUGIN_API_1_0_FROZEN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CDS_PLUGIN_ABI_VERSION_MAJOR 1
#define CDS_PLUGIN_ABI_VERSION_MINOR 0

#if defined(_WIN32)
#define CDS_PLUGIN_EXPORT __declspec(dllexport)
#else
#define CDS_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* Result of every fallible call. New codes may be added in a minor version; the host treats an
 * unknown nonzero code as CDS_STATUS_INTERNAL. */
typedef enum cds_status {
  CDS_STATUS_OK = 0,
  /* The request bytes could not be decoded, or they violate the payload's documented rules. */
  CDS_STATUS_INVALID_ARGUMENT = 1,
  /* create: the settings are not valid for this plugin (the message names the setting). */
  CDS_STATUS_INVALID_SETTINGS = 2,
  /* The plugin cannot serve this request (for example an unknown hook). */
  CDS_STATUS_UNSUPPORTED = 3,
  /* Out of memory or another resource. */
  CDS_STATUS_RESOURCE_EXHAUSTED = 4,
  /* A bug or an unexpected condition inside the plugin (including a caught exception). */
  CDS_STATUS_INTERNAL = 5
} cds_status;

/* A byte buffer produced by the plugin. Empty is {NULL, 0}. The host releases a non-NULL `data`
 * with the plugin's free_bytes, exactly once. */
typedef struct cds_bytes {
  uint8_t* data;
  size_t size;
} cds_bytes;

/* An instance of a plugin, created with one set of settings. Opaque to the host. */
typedef struct cds_plugin_instance cds_plugin_instance;

typedef struct cds_plugin_api {
  /* ---- Header: identical in every ABI version, read before anything else. ---- */

  /* The ABI the plugin was compiled against: CDS_PLUGIN_ABI_VERSION_MAJOR/MINOR. */
  uint32_t abi_major;
  uint32_t abi_minor;
  /* sizeof(cds_plugin_api) as the plugin compiled it. */
  uint64_t struct_size;

  /* ---- ABI 1.0 ---- */

  /* Describes the plugin: serialized cds.plugin.v1.PluginInfo (id, name, version, vendor,
   * hooks, knowledge version, settings JSON Schema, inputs read).
   * Output: *info points to bytes owned by the plugin library, valid until it is unloaded; the
   * host must not free them. The same bytes on every call.
   * Thread: any, at any time, concurrently. Required. */
  cds_status (*get_info)(const uint8_t** info, size_t* info_size, cds_bytes* error);

  /* Creates an instance configured by `settings_json`: a UTF-8 JSON object (not NUL-terminated)
   * holding the operator's settings for this instance; "{}" when there are none. The plugin must
   * reject unknown keys and invalid values with CDS_STATUS_INVALID_SETTINGS and a message naming
   * the setting, and fill defaults for absent keys.
   * Output: *instance, released with destroy. Thread: any; never concurrent with a call on the
   * instance being created. Required. */
  cds_status (*create)(const char* settings_json, size_t settings_json_size,
                       cds_plugin_instance** instance, cds_bytes* error);

  /* Releases an instance. The host calls it only after every evaluate on the instance has
   * returned, and never calls anything on the instance afterwards. Cannot fail.
   * Thread: any. Required. */
  void (*destroy)(cds_plugin_instance* instance);

  /* Evaluates one request. `request` is a serialized cds.plugin.v1.EvaluateInput; on
   * CDS_STATUS_OK `*response` holds a serialized cds.plugin.v1.EvaluateOutput (zero or more
   * cards; an empty buffer means no cards).
   * Must be deterministic: the same request on an instance with the same settings yields the
   * same response (time comes from EvaluateInput.evaluation_time, never from the clock).
   * Thread: any; called concurrently on the same instance. Required. */
  cds_status (*evaluate)(cds_plugin_instance* instance, const uint8_t* request,
                         size_t request_size, cds_bytes* response, cds_bytes* error);

  /* Releases a buffer this plugin returned in a cds_bytes. NULL is a no-op.
   * Thread: any. Required. */
  void (*free_bytes)(uint8_t* data);

  /* ---- Entries added in later minor versions go below, each marked with its version. ---- */
} cds_plugin_api;

/* The one symbol a plugin exports. Returns the plugin's table, which must stay valid and
 * unchanged while the library is loaded. Must not fail, allocate per call, or run clinical code.
 * Thread: any. */
typedef const cds_plugin_api* (*cds_plugin_entry_fn)(void);
#define CDS_PLUGIN_ENTRY_SYMBOL "cds_plugin_entry"

/* Size of the 1.0 table: a plugin that reports a smaller struct_size is malformed. */
#define CDS_PLUGIN_API_SIZE_1_0 (offsetof(cds_plugin_api, free_bytes) + sizeof(void (*)(uint8_t*)))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CDS_PLUGIN_API_1_0_FROZEN_H_ */
