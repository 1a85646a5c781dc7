// The shared knowledge-file reader: every refusal names the JSON path of the problem, and the
// citation, header and code-list rules are the same for every plugin.
#include <cds/sdk/knowledge.h>
#include <gtest/gtest.h>

namespace cds::sdk {
namespace {

using nlohmann::json;

// The message a read refuses with, or "" when it succeeds.
template <class Read>
std::string Refusal(const json& document, Read read) {
  try {
    read(KnowledgeNode(document, "test knowledge"));
  } catch (const KnowledgeError& e) {
    return e.what();
  }
  return "";
}

json Citation(int n) {
  return {{"id", "S" + std::to_string(n)}, {"title", "Source"}, {"edition", "2025"}};
}

json FourCitations() {
  return {{"citations", {Citation(0), Citation(1), Citation(2), Citation(3)}}};
}

TEST(SdkKnowledge, CitationWithoutEditionNamesItsPath) {
  json j = FourCitations();
  j["citations"][3].erase("edition");
  const std::string why = Refusal(j, [](const KnowledgeNode& r) { ReadCitations(r); });
  EXPECT_NE(why.find("test knowledge: citations[3].edition: missing"), std::string::npos) << why;
}

TEST(SdkKnowledge, EmptyEditionOrTitleIsRefused) {
  json j = FourCitations();
  j["citations"][1]["edition"] = "";
  EXPECT_NE(Refusal(j, [](const KnowledgeNode& r) { ReadCitations(r); })
                .find("citations[1].edition: must not be empty"),
            std::string::npos);
  j = FourCitations();
  j["citations"][2].erase("title");
  EXPECT_NE(Refusal(j, [](const KnowledgeNode& r) { ReadCitations(r); })
                .find("citations[2].title: missing"),
            std::string::npos);
}

TEST(SdkKnowledge, RevisionDateStandsForAnEditionAndUrlIsOptional) {
  json j = FourCitations();
  j["citations"][0].erase("edition");
  j["citations"][0]["revision_date"] = "2024-06-01";
  j["citations"][1]["url"] = "https://example.org/label";
  const std::vector<cds::v1::Citation> c = ReadCitations(KnowledgeNode(j, "k"));
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].edition(), "revised 2024-06-01");
  EXPECT_EQ(c[0].url(), "");
  EXPECT_EQ(c[1].url(), "https://example.org/label");
  j["citations"][0]["revision_date"] = "June 2024";
  EXPECT_NE(Refusal(j, [](const KnowledgeNode& r) { ReadCitations(r); })
                .find("citations[0].revision_date: must be a date"),
            std::string::npos);
}

TEST(SdkKnowledge, WrongTypeNamesPathAndBothTypes) {
  json j = FourCitations();
  j["citations"][2]["edition"] = 2025;
  const std::string why = Refusal(j, [](const KnowledgeNode& r) { ReadCitations(r); });
  EXPECT_NE(why.find("citations[2].edition: must be a string, not number"), std::string::npos)
      << why;
  j = FourCitations();
  j["citations"][0]["url"] = true;
  EXPECT_NE(Refusal(j, [](const KnowledgeNode& r) { ReadCitations(r); })
                .find("citations[0].url: must be a string, not boolean"),
            std::string::npos);
}

TEST(SdkKnowledge, DuplicateCitationIdIsRefused) {
  json j = FourCitations();
  j["citations"][2]["id"] = "S0";
  EXPECT_NE(Refusal(j, [](const KnowledgeNode& r) { ReadCitations(r); })
                .find("citations[2].id: duplicate citation id S0"),
            std::string::npos);
}

TEST(SdkKnowledge, MissingFieldNamesTheNestedPath) {
  const json j = {{"esketamine", {{"missed_sessions", json::object()}}}};
  const std::string why = Refusal(j, [](const KnowledgeNode& r) {
    r.At("esketamine").At("missed_sessions").Int("early_weeks");
  });
  EXPECT_NE(why.find("esketamine.missed_sessions.early_weeks: missing"), std::string::npos) << why;
}

TEST(SdkKnowledge, EveryAccessorRefusesTheWrongType) {
  const json j = {{"s", 1},    {"n", "x"},     {"i", 1.5},       {"b", "yes"}, {"l", "a"},
                  {"ls", {1}}, {"o", {1, 2}},  {"nul", "x"},     {"big", 1e12}};
  auto why = [&j](auto read) { return Refusal(j, read); };
  EXPECT_NE(why([](const KnowledgeNode& r) { r.String("s"); }).find("s: must be a string"),
            std::string::npos);
  EXPECT_NE(why([](const KnowledgeNode& r) { r.Number("n"); }).find("n: must be a number"),
            std::string::npos);
  EXPECT_NE(why([](const KnowledgeNode& r) { r.Int("i"); }).find("i: must be a whole number"),
            std::string::npos);
  EXPECT_NE(why([](const KnowledgeNode& r) { r.Boolean("b"); }).find("b: must be true or false"),
            std::string::npos);
  EXPECT_NE(why([](const KnowledgeNode& r) { r.Strings("l"); }).find("l: must be a list"),
            std::string::npos);
  EXPECT_NE(why([](const KnowledgeNode& r) { r.Strings("ls"); }).find("ls[0]: must be a string"),
            std::string::npos);
  EXPECT_NE(why([](const KnowledgeNode& r) { r.At("o").At("x"); }).find("o: must be an object"),
            std::string::npos);
  EXPECT_NE(why([](const KnowledgeNode& r) { r.NullableInt("nul"); })
                .find("nul: must be a whole number or null"),
            std::string::npos);
  EXPECT_NE(why([](const KnowledgeNode& r) { r.Int("big"); }).find("big: must be a whole number"),
            std::string::npos);
  EXPECT_NE(why([](const KnowledgeNode& r) { r.OptionalString("s"); }).find("s: must be a string"),
            std::string::npos)
      << "an optional field present with the wrong type is an error, not a default";
  EXPECT_NE(why([](const KnowledgeNode& r) { r.OptionalStrings("l"); }).find("l: must be a list"),
            std::string::npos);
  EXPECT_NE(why([](const KnowledgeNode& r) { r.OptionalBoolean("b", false); })
                .find("b: must be true or false"),
            std::string::npos);
}

TEST(SdkKnowledge, OptionalAccessorsGiveTheirFallbackWhenAbsent) {
  const json j = {{"nul", nullptr}, {"seven", 7}};
  const KnowledgeNode r(j, "k");
  EXPECT_EQ(r.OptionalString("absent", "none"), "none");
  EXPECT_TRUE(r.OptionalBoolean("absent", true));
  EXPECT_TRUE(r.OptionalStrings("absent").empty());
  EXPECT_EQ(r.NullableInt("nul"), std::nullopt);
  EXPECT_EQ(r.NullableInt("seven"), 7);
  EXPECT_FALSE(r.Find("absent").has_value());
  EXPECT_EQ(r.Int("seven"), 7);
}

TEST(SdkKnowledge, MalformedJsonIsAKnowledgeErrorForTheFile) {
  try {
    ParseKnowledgeJson("{\"knowledge_version\": ", "test knowledge");
    FAIL() << "malformed JSON was accepted";
  } catch (const KnowledgeError& e) {
    EXPECT_NE(std::string(e.what()).find("test knowledge: (file): not valid JSON"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(e.path(), "");
  }
}

TEST(SdkKnowledge, HeaderNeedsVersionAndAReviewDate) {
  const json good = {{"knowledge_version", "2026.1"}, {"review_date", "2026-12-02"}};
  const KnowledgeHeader h = ReadKnowledgeHeader(KnowledgeNode(good, "k"));
  EXPECT_EQ(h.knowledge_version, "2026.1");
  EXPECT_EQ(h.review_date, "2026-12-02");
  auto why = [](json j) { return Refusal(j, [](const KnowledgeNode& r) { ReadKnowledgeHeader(r); }); };
  json j = good;
  j.erase("knowledge_version");
  EXPECT_NE(why(j).find("knowledge_version: missing"), std::string::npos);
  j = good;
  j["knowledge_version"] = "";
  EXPECT_NE(why(j).find("knowledge_version: must not be empty"), std::string::npos);
  j = good;
  j["review_date"] = "2 December 2026";
  EXPECT_NE(why(j).find("review_date: must be a date"), std::string::npos);
  j = good;
  j.erase("review_date");
  EXPECT_NE(why(j).find("review_date: missing"), std::string::npos);
}

TEST(SdkKnowledge, CitationIdsMustBeDefined) {
  const json j = FourCitations();
  const std::vector<cds::v1::Citation> citations = ReadCitations(KnowledgeNode(j, "k"));
  const json ids = {{"cites", {"S1", "S3"}}, {"bad", {"S1", "S999"}}};
  const KnowledgeNode r(ids, "k");
  EXPECT_EQ(ReadCitationIds(r.At("cites"), citations), (std::vector<std::string>{"S1", "S3"}));
  EXPECT_NE(Refusal(ids, [&](const KnowledgeNode& n) { ReadCitationIds(n.At("bad"), citations); })
                .find("bad[1]: unknown citation \"S999\""),
            std::string::npos);
  EXPECT_NE(FindCitation(citations, "S2"), nullptr);
  EXPECT_EQ(FindCitation(citations, "S9"), nullptr);
}

TEST(SdkKnowledge, CodeListsCarryTheirVerifiedState) {
  const json j = {{"codes",
                   {{{"code", "I71.4"}, {"display", "AAA"}, {"verified", true}},
                    {{"code", "I67.1"}, {"display", "Aneurysm"}, {"verified", false}}}}};
  const std::vector<KnownCode> codes =
      ReadCodeList(KnowledgeNode(j, "k").At("codes"), "http://hl7.org/fhir/sid/icd-10-cm");
  ASSERT_EQ(codes.size(), 2u);
  EXPECT_TRUE(codes[0].verified);
  EXPECT_FALSE(codes[1].verified);
  EXPECT_EQ(codes[1].system, "http://hl7.org/fhir/sid/icd-10-cm");
  json bad = j;
  bad["codes"][1].erase("verified");
  auto why = [](const json& d) {
    return Refusal(d, [](const KnowledgeNode& r) { ReadCodeList(r.At("codes"), "s"); });
  };
  EXPECT_NE(why(bad).find("codes[1].verified: missing"), std::string::npos);
  bad = j;
  bad["codes"][0]["verified"] = "yes";
  EXPECT_NE(why(bad).find("codes[0].verified: must be true or false"), std::string::npos);
  EXPECT_NE(why(json{{"codes", json::array()}}).find("codes: must not be empty"),
            std::string::npos);
}

TEST(SdkKnowledge, ErrorsAreRuntimeErrorsNotJsonExceptions) {
  const json j = {{"x", 1}};
  EXPECT_THROW(KnowledgeNode(j, "k").String("x"), std::runtime_error);
  EXPECT_THROW(KnowledgeNode(j, "k").Items(), KnowledgeError);
}

}  // namespace
}  // namespace cds::sdk
