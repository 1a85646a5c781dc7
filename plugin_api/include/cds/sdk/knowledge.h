// cds/sdk/knowledge.h: strict reading of a plugin's versioned JSON knowledge file, with one set of
// rules for every plugin. Each accessor knows the JSON path that reached its value, so a reviewer's
// broken edit is refused with a message naming the place, e.g.
//   "dosing knowledge: citations[3].edition: missing".
// Reads never let a nlohmann::json exception escape (the SDK would report one as bad operator
// settings): every failure is a KnowledgeError.
#ifndef CDS_SDK_KNOWLEDGE_H_
#define CDS_SDK_KNOWLEDGE_H_

#include <cds/sdk/calendar.h>
#include <cds/v1/card.pb.h>

#include <cstddef>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cds::sdk {

// A knowledge file that cannot be used. what() is "<source>: <path>: <problem>".
class KnowledgeError : public std::runtime_error {
 public:
  KnowledgeError(const std::string& source, std::string path, const std::string& problem)
      : std::runtime_error(source + ": " + (path.empty() ? std::string("(file)") : path) + ": " +
                           problem),
        path_(std::move(path)) {}
  // The JSON path of the offending value ("" for the file as a whole).
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A value of a parsed knowledge file and the path that reached it. Cheap to copy: it refers to
// the parsed document, which must outlive it.
class KnowledgeNode {
 public:
  KnowledgeNode(const nlohmann::json& value, std::string source, std::string path = "")
      : value_(&value), source_(std::move(source)), path_(std::move(path)) {}

  const nlohmann::json& json() const { return *value_; }
  const std::string& path() const { return path_; }
  const std::string& source() const { return source_; }

  [[noreturn]] void Fail(const std::string& problem) const {
    throw KnowledgeError(source_, path_, problem);
  }
  // Fails naming the member `key` of this object, present or not.
  [[noreturn]] void FailAt(std::string_view key, const std::string& problem) const {
    throw KnowledgeError(source_, ChildPath(key), problem);
  }

  bool IsObject() const { return value_->is_object(); }
  bool IsArray() const { return value_->is_array(); }
  bool IsNull() const { return value_->is_null(); }
  bool Has(std::string_view key) const {
    return value_->is_object() && value_->find(key) != value_->end();
  }

  // The member `key`, which must exist (this value must be an object).
  KnowledgeNode At(std::string_view key) const {
    RequireObject();
    auto it = value_->find(key);
    if (it == value_->end()) FailAt(key, "missing");
    return KnowledgeNode(*it, source_, ChildPath(key));
  }
  // The member `key`, or nullopt when absent.
  std::optional<KnowledgeNode> Find(std::string_view key) const {
    RequireObject();
    auto it = value_->find(key);
    if (it == value_->end()) return std::nullopt;
    return KnowledgeNode(*it, source_, ChildPath(key));
  }

  // The elements of this array.
  std::vector<KnowledgeNode> Items() const {
    if (!value_->is_array()) Fail("must be a list, not " + TypeName());
    std::vector<KnowledgeNode> out;
    out.reserve(value_->size());
    for (std::size_t i = 0; i < value_->size(); ++i) {
      out.emplace_back((*value_)[i], source_, path_ + "[" + std::to_string(i) + "]");
    }
    return out;
  }
  // The members of this object, in the document's (sorted) key order.
  std::vector<std::pair<std::string, KnowledgeNode>> Members() const {
    RequireObject();
    std::vector<std::pair<std::string, KnowledgeNode>> out;
    for (auto it = value_->begin(); it != value_->end(); ++it) {
      out.emplace_back(it.key(), KnowledgeNode(*it, source_, ChildPath(it.key())));
    }
    return out;
  }

  // This value as a type; a value of another type is refused with both type names.
  std::string AsString() const {
    if (!value_->is_string()) Fail("must be a string, not " + TypeName());
    return value_->get<std::string>();
  }
  double AsNumber() const {
    if (!value_->is_number()) Fail("must be a number, not " + TypeName());
    return value_->get<double>();
  }
  long long AsInteger() const {
    if (!value_->is_number_integer()) Fail("must be a whole number, not " + TypeName());
    return value_->get<long long>();
  }
  bool AsBoolean() const {
    if (!value_->is_boolean()) Fail("must be true or false, not " + TypeName());
    return value_->get<bool>();
  }
  std::vector<std::string> AsStrings() const {
    std::vector<std::string> out;
    for (const KnowledgeNode& item : Items()) out.push_back(item.AsString());
    return out;
  }

  // Required members of a given type.
  std::string String(std::string_view key) const { return At(key).AsString(); }
  std::string NonEmptyString(std::string_view key) const {
    KnowledgeNode node = At(key);
    std::string text = node.AsString();
    if (text.empty()) node.Fail("must not be empty");
    return text;
  }
  double Number(std::string_view key) const { return At(key).AsNumber(); }
  long long Integer(std::string_view key) const { return At(key).AsInteger(); }
  int Int(std::string_view key) const {
    KnowledgeNode node = At(key);
    const long long value = node.AsInteger();
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) node.Fail("out of range");
    return static_cast<int>(value);
  }
  bool Boolean(std::string_view key) const { return At(key).AsBoolean(); }
  std::vector<std::string> Strings(std::string_view key) const { return At(key).AsStrings(); }

  // Optional members: absent gives the fallback; present but of the wrong type is an error.
  std::string OptionalString(std::string_view key, std::string fallback = "") const {
    std::optional<KnowledgeNode> node = Find(key);
    return node ? node->AsString() : std::move(fallback);
  }
  bool OptionalBoolean(std::string_view key, bool fallback) const {
    std::optional<KnowledgeNode> node = Find(key);
    return node ? node->AsBoolean() : fallback;
  }
  std::vector<std::string> OptionalStrings(std::string_view key) const {
    std::optional<KnowledgeNode> node = Find(key);
    return node ? node->AsStrings() : std::vector<std::string>();
  }
  // A required member that may be null: null gives nullopt.
  std::optional<int> NullableInt(std::string_view key) const {
    KnowledgeNode node = At(key);
    if (node.IsNull()) return std::nullopt;
    if (!node.json().is_number_integer()) node.Fail("must be a whole number or null");
    return Int(key);
  }

  std::string TypeName() const { return value_->type_name(); }

 private:
  void RequireObject() const {
    if (!value_->is_object()) Fail("must be an object, not " + TypeName());
  }
  std::string ChildPath(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const nlohmann::json* value_;
  std::string source_;
  std::string path_;
};

// Parses the text of a knowledge file; malformed JSON is a KnowledgeError for the whole file.
// `source` names the file in every message ("dosing knowledge").
inline nlohmann::json ParseKnowledgeJson(std::string_view text, const std::string& source) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    throw KnowledgeError(source, "", std::string("not valid JSON: ") + e.what());
  }
}

// The header every knowledge file starts with.
struct KnowledgeHeader {
  std::string knowledge_version;  // non-empty, e.g. "2026.12.1"
  std::string review_date;        // YYYY-MM-DD
};

inline KnowledgeHeader ReadKnowledgeHeader(const KnowledgeNode& root) {
  KnowledgeHeader header;
  header.knowledge_version = root.NonEmptyString("knowledge_version");
  header.review_date = root.String("review_date");
  if (!ParseDate(header.review_date)) root.At("review_date").Fail("must be a date, YYYY-MM-DD");
  return header;
}

// One citation: "id", "title" and "edition" required and non-empty ("edition" may instead be a
// "revision_date", YYYY-MM-DD, stored as "revised <date>"); "url" optional. A source a card cites
// must say which version of it was read.
inline cds::v1::Citation ReadCitation(const KnowledgeNode& node) {
  cds::v1::Citation citation;
  citation.set_id(node.NonEmptyString("id"));
  citation.set_title(node.NonEmptyString("title"));
  citation.set_url(node.OptionalString("url"));
  if (node.Has("edition")) {
    citation.set_edition(node.NonEmptyString("edition"));
  } else if (node.Has("revision_date")) {
    const std::string date = node.String("revision_date");
    if (!ParseDate(date)) node.At("revision_date").Fail("must be a date, YYYY-MM-DD");
    citation.set_edition("revised " + date);
  } else {
    node.FailAt("edition", "missing (give the edition or a revision_date)");
  }
  return citation;
}

// The list of citations under `key` of the root; duplicate ids are refused.
inline std::vector<cds::v1::Citation> ReadCitations(const KnowledgeNode& root,
                                                    std::string_view key = "citations") {
  std::vector<cds::v1::Citation> out;
  for (const KnowledgeNode& item : root.At(key).Items()) {
    cds::v1::Citation citation = ReadCitation(item);
    for (const cds::v1::Citation& other : out) {
      if (other.id() == citation.id()) item.At("id").Fail("duplicate citation id " + other.id());
    }
    out.push_back(std::move(citation));
  }
  return out;
}

inline const cds::v1::Citation* FindCitation(const std::vector<cds::v1::Citation>& citations,
                                             std::string_view id) {
  for (const cds::v1::Citation& c : citations) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

// Reads the list of citation ids at `node` and checks each is defined, so no card can cite a
// source it cannot describe.
inline std::vector<std::string> ReadCitationIds(const KnowledgeNode& node,
                                                const std::vector<cds::v1::Citation>& citations) {
  std::vector<std::string> ids;
  for (const KnowledgeNode& item : node.Items()) {
    std::string id = item.AsString();
    if (!FindCitation(citations, id)) item.Fail("unknown citation \"" + id + "\"");
    ids.push_back(std::move(id));
  }
  return ids;
}

// A code from a knowledge file's code list, with whether a reviewer has checked it against the
// code system's release ("verified": false marks a code still to be checked).
struct KnownCode {
  std::string system;  // code-system URI
  std::string code;
  std::string display;
  bool verified = false;
};

// A list of {"code", "display", "verified"} objects, all in the code system `system_uri`. The
// list must not be empty and "verified" must be given for every code.
inline std::vector<KnownCode> ReadCodeList(const KnowledgeNode& list,
                                           const std::string& system_uri) {
  std::vector<KnownCode> out;
  const std::vector<KnowledgeNode> items = list.Items();
  if (items.empty()) list.Fail("must not be empty");
  for (const KnowledgeNode& item : items) {
    out.push_back(KnownCode{system_uri, item.NonEmptyString("code"), item.String("display"),
                            item.Boolean("verified")});
  }
  return out;
}

}  // namespace cds::sdk

#endif  // CDS_SDK_KNOWLEDGE_H_
