// Building the card's texts cheaply: Concat joins pieces (text, whole numbers, measured values)
// with one allocation, and Number formats a measured value with std::to_chars instead of printf.
// Each card holds a few hundred short strings, so this is most of the plugin's time budget.
#ifndef CDS_PLUGINS_SIDE_EFFECT_TRIAGE_PLAIN_TEXT_H_
#define CDS_PLUGINS_SIDE_EFFECT_TRIAGE_PLAIN_TEXT_H_

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <string>
#include <string_view>

namespace cds::triage {

// A measured value, shown like cds::sdk::FormatNumber: whole numbers without decimals, other
// values with four significant digits ("89.9", "1.462").
struct Measured {
  double value;
};

class TextPiece {
 public:
  TextPiece(std::string_view text) : view_(text) {}
  TextPiece(const std::string& text) : view_(text) {}
  TextPiece(const char* text) : view_(text) {}
  TextPiece(int value) { Format(value); }
  TextPiece(long value) { Format(value); }
  TextPiece(long long value) { Format(value); }
  TextPiece(unsigned long value) { Format(value); }
  TextPiece(Measured measured) {
    const double v = measured.value;
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
      Format(static_cast<long long>(v));
    } else {
      const auto end =
          std::to_chars(buffer_, buffer_ + sizeof buffer_, v, std::chars_format::general, 4).ptr;
      view_ = std::string_view(buffer_, static_cast<size_t>(end - buffer_));
    }
  }
  // Pieces point into their own buffer: they live only inside one Concat call.
  TextPiece(const TextPiece&) = delete;
  TextPiece& operator=(const TextPiece&) = delete;

  std::string_view view() const { return view_; }

 private:
  template <class Integer>
  void Format(Integer value) {
    const auto end = std::to_chars(buffer_, buffer_ + sizeof buffer_, value).ptr;
    view_ = std::string_view(buffer_, static_cast<size_t>(end - buffer_));
  }

  char buffer_[32];
  std::string_view view_;
};

inline void Append(std::string& out, std::initializer_list<TextPiece> pieces) {
  size_t size = out.size();
  for (const TextPiece& p : pieces) size += p.view().size();
  out.reserve(size);
  for (const TextPiece& p : pieces) out.append(p.view());
}

inline std::string Concat(std::initializer_list<TextPiece> pieces) {
  std::string out;
  Append(out, pieces);
  return out;
}

inline std::string Number(double value) { return Concat({Measured{value}}); }

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_PLAIN_TEXT_H_
