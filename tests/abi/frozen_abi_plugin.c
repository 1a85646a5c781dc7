/* A plugin compiled against the frozen ABI 1.0 header (tests/abi/cds_plugin_api_1_0.h) and
 * nothing else: no SDK, no protobuf library, no cdsd header. It stands for a plugin a vendor
 * shipped the day 1.0 was released; the tests load it into the current host. It reads the hook
 * and evaluation_date from the request's wire format and answers with one complete card, so it
 * exercises every 1.0 entry, both ownership directions and the error path. */
#include "cds_plugin_api_1_0.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Protobuf wire format, the little of it this plugin needs ---- */

enum { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

typedef struct message_buffer {
  uint8_t data[1024];
  size_t size;
} message_buffer;

static void put_varint(message_buffer* b, uint64_t value) {
  do {
    uint8_t byte = (uint8_t)(value & 0x7F);
    value >>= 7;
    if (value) byte |= 0x80;
    b->data[b->size++] = byte;
  } while (value);
}

static void put_bytes(message_buffer* b, uint32_t field, const void* data, size_t size) {
  put_varint(b, ((uint64_t)field << 3) | kLengthDelimited);
  put_varint(b, size);
  memcpy(b->data + b->size, data, size);
  b->size += size;
}

static void put_string(message_buffer* b, uint32_t field, const char* text) {
  put_bytes(b, field, text, strlen(text));
}

static int read_varint(const uint8_t** at, const uint8_t* end, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*at == end) return 0;
    const uint8_t byte = *(*at)++;
    *value |= (uint64_t)(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return 1;
  }
  return 0;
}

typedef struct text_view {
  const char* data;
  size_t size;
} text_view;

/* Finds string fields 1 (hook) and 7 (evaluation_date) of a cds.plugin.v1.EvaluateInput and
 * skips every other field. Returns 0 when the bytes are not a well-formed message. */
static int parse_input(const uint8_t* at, size_t size, text_view* hook, text_view* date) {
  const uint8_t* end = at + size;
  while (at < end) {
    uint64_t key, length, ignored;
    if (!read_varint(&at, end, &key) || (key >> 3) == 0) return 0;
    switch (key & 7) {
      case kVarint:
        if (!read_varint(&at, end, &ignored)) return 0;
        break;
      case kFixed64:
        if ((size_t)(end - at) < 8) return 0;
        at += 8;
        break;
      case kFixed32:
        if ((size_t)(end - at) < 4) return 0;
        at += 4;
        break;
      case kLengthDelimited:
        if (!read_varint(&at, end, &length) || length > (uint64_t)(end - at)) return 0;
        if ((key >> 3) == 1) *hook = (text_view){(const char*)at, (size_t)length};
        if ((key >> 3) == 7) *date = (text_view){(const char*)at, (size_t)length};
        at += length;
        break;
      default:
        return 0;
    }
  }
  return 1;
}

/* ---- The plugin ---- */

static const char* const kHooks[] = {"patient-view", "order-select"};

static message_buffer info;
static pthread_once_t info_once = PTHREAD_ONCE_INIT;

/* cds.plugin.v1.PluginInfo, encoded once: get_info returns the same bytes on every call. */
static void encode_info(void) {
  put_string(&info, 1, "frozen-abi-1-0");
  put_string(&info, 2, "Frozen ABI 1.0 plugin");
  put_string(&info, 3, "1.0.0");
  put_string(&info, 4, "cdsd tests");
  put_string(&info, 5, "Frozen ABI 1.0");
  put_string(&info, 6, "Built against the ABI 1.0 header as released, to prove the host still runs it.");
  for (size_t i = 0; i < sizeof kHooks / sizeof kHooks[0]; ++i) put_string(&info, 7, kHooks[i]);
  put_string(&info, 8, "abi-1.0");
  put_string(&info, 9, "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{}}");
}

static cds_status get_info(const uint8_t** bytes, size_t* size, cds_bytes* error) {
  (void)error;
  pthread_once(&info_once, encode_info);
  *bytes = info.data;
  *size = info.size;
  return CDS_STATUS_OK;
}

static void set_error(cds_bytes* error, const char* message) {
  if (error == NULL) return;
  error->size = strlen(message);
  error->data = (uint8_t*)malloc(error->size);
  if (error->data == NULL) {
    error->size = 0;
    return;
  }
  memcpy(error->data, message, error->size);
}

struct cds_plugin_instance {
  /* Set by create; evaluate checks it to prove the host hands back the pointer create returned. */
  unsigned magic;
};
enum { kInstanceMagic = 0xC0DE10u };

/* The plugin declares no settings: anything but an empty object is refused, quoting what came. */
static cds_status create(const char* settings, size_t size, cds_plugin_instance** instance,
                         cds_bytes* error) {
  *instance = NULL;
  size_t first = 0, last = size;
  while (first < last && isspace((unsigned char)settings[first])) ++first;
  while (last > first && isspace((unsigned char)settings[last - 1])) --last;
  const int empty_object = last - first == 2 && settings[first] == '{' && settings[first + 1] == '}';
  if (size != 0 && !empty_object) {
    char message[256];
    snprintf(message, sizeof message, "this plugin declares no settings, got: %.*s",
             (int)(last - first > 180 ? 180 : last - first), settings + first);
    set_error(error, message);
    return CDS_STATUS_INVALID_SETTINGS;
  }
  *instance = (cds_plugin_instance*)malloc(sizeof(cds_plugin_instance));
  if (*instance == NULL) return CDS_STATUS_RESOURCE_EXHAUSTED;
  (*instance)->magic = kInstanceMagic;
  return CDS_STATUS_OK;
}

static void destroy(cds_plugin_instance* instance) { free(instance); }

static int declared(text_view hook) {
  for (size_t i = 0; i < sizeof kHooks / sizeof kHooks[0]; ++i) {
    if (strlen(kHooks[i]) == hook.size && memcmp(kHooks[i], hook.data, hook.size) == 0) return 1;
  }
  return 0;
}

/* "YYYY-MM-DD" in ASCII digits. The date is copied into the card's summary, a proto3 string that
 * must be valid UTF-8, so arbitrary bytes here would make the whole response undecodable. */
static int is_date(text_view date) {
  if (date.size != 10) return 0;
  for (size_t i = 0; i < date.size; ++i) {
    const int dash = i == 4 || i == 7;
    if (dash ? date.data[i] != '-' : !isdigit((unsigned char)date.data[i])) return 0;
  }
  return 1;
}

static cds_status evaluate(cds_plugin_instance* instance, const uint8_t* request, size_t request_size,
                           cds_bytes* response, cds_bytes* error) {
  response->data = NULL;
  response->size = 0;
  if (instance == NULL || instance->magic != kInstanceMagic) {
    set_error(error, "evaluate called with a pointer create did not return");
    return CDS_STATUS_INTERNAL;
  }
  text_view hook = {"", 0}, date = {"", 0};
  if (!parse_input(request, request_size, &hook, &date)) {
    set_error(error, "request is not a valid cds.plugin.v1.EvaluateInput");
    return CDS_STATUS_INVALID_ARGUMENT;
  }
  if (!declared(hook)) {
    set_error(error, "hook not served by this plugin");
    return CDS_STATUS_UNSUPPORTED;
  }
  if (!is_date(date)) {
    set_error(error, "evaluation_date is not YYYY-MM-DD");
    return CDS_STATUS_INVALID_ARGUMENT;
  }

  char summary[96];
  snprintf(summary, sizeof summary, "Frozen ABI 1.0 plugin answered %.*s on %.*s", (int)hook.size,
           hook.data, (int)date.size, date.data);
  message_buffer source = {.size = 0}, citation = {.size = 0}, card = {.size = 0}, output = {.size = 0};
  put_string(&source, 1, "cdsd ABI tests");
  put_string(&citation, 1, "ABI-1.0");
  put_string(&citation, 2, "cds/plugin_api.h, plugin ABI 1.0");
  put_string(&citation, 4, "1.0");
  put_string(&card, 2, summary);
  put_varint(&card, (4 << 3) | kVarint); /* indicator */
  put_varint(&card, 1);                  /* INDICATOR_INFO */
  put_bytes(&card, 5, source.data, source.size);
  put_bytes(&card, 12, citation.data, citation.size);
  put_bytes(&output, 1, card.data, card.size);

  response->data = (uint8_t*)malloc(output.size);
  if (response->data == NULL) return CDS_STATUS_RESOURCE_EXHAUSTED;
  memcpy(response->data, output.data, output.size);
  response->size = output.size;
  return CDS_STATUS_OK;
}

static void free_bytes(uint8_t* data) { free(data); }

CDS_PLUGIN_EXPORT const cds_plugin_api* cds_plugin_entry(void) {
  static const cds_plugin_api table = {CDS_PLUGIN_ABI_VERSION_MAJOR, CDS_PLUGIN_ABI_VERSION_MINOR,
                                       sizeof(cds_plugin_api), get_info, create, destroy,
                                       evaluate, free_bytes};
  return &table;
}
