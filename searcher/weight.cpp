#include <herald/searcher/weight.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <locale>
#include <sstream>

namespace herald {

SubsetBm25Weight::SubsetBm25Weight(Xapian::doccount collection_size,
                                   double k1,
                                   double b,
                                   double min_normlen)
    : collection_size_(std::max<Xapian::doccount>(collection_size, 1)),
      k1_(k1),
      b_(b),
      min_normlen_(min_normlen) {
    if (!(k1 >= 0)) throw Xapian::InvalidArgumentError("SubsetBm25Weight: k1 must be >= 0");
    if (!(b >= 0 && b <= 1))
        throw Xapian::InvalidArgumentError("SubsetBm25Weight: b must be in [0, 1]");
    if (!(min_normlen >= 0))
        throw Xapian::InvalidArgumentError("SubsetBm25Weight: min_normlen must be >= 0");
    need_stat(TERMFREQ);
    need_stat(WDF);
    need_stat(WDF_MAX);
    need_stat(AVERAGE_LENGTH);
    need_stat(DOC_LENGTH);
    need_stat(DOC_LENGTH_MIN);
    need_stat(WQF);
}

void SubsetBm25Weight::init(double factor) {
    if (factor == 0) {  // a boolean context: no weight
        idf_ = 0;
        return;
    }
    const double n = std::min<double>(get_termfreq(), collection_size_);
    double r = (collection_size_ - n + 0.5) / (n + 0.5);
    if (r < 2) r = r / 2 + 1;
    // The query-term part with k3 = 1, as Xapian::BM25Weight's default: 2 wqf / (1 + wqf).
    const double wqf = get_wqf();
    idf_ = std::log(r) * factor * (wqf > 0 ? 2 * wqf / (1 + wqf) : 1);
    const double avg = get_average_length();
    inverse_avg_ = avg > 0 ? 1 / avg : 0;
}

std::string SubsetBm25Weight::name() const {
    return "herald.SubsetBm25Weight";
}

std::string SubsetBm25Weight::serialise() const {
    // Decimal text, exact for doubles: "N k1 b min_normlen".
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out.precision(17);
    out << collection_size_ << ' ' << k1_ << ' ' << b_ << ' ' << min_normlen_;
    return out.str();
}

Xapian::Weight* SubsetBm25Weight::unserialise(const std::string& serialised) const {
    std::istringstream in(serialised);
    in.imbue(std::locale::classic());
    Xapian::doccount n = 0;
    double k1 = 0, b = 0, min_normlen = 0;
    if (!(in >> n >> k1 >> b >> min_normlen))
        throw Xapian::SerialisationError("SubsetBm25Weight: bad parameters");
    return new SubsetBm25Weight(n, k1, b, min_normlen);
}

Xapian::Weight* SubsetBm25Weight::clone() const {
    return new SubsetBm25Weight(collection_size_, k1_, b_, min_normlen_);
}

double SubsetBm25Weight::get_sumpart(Xapian::termcount wdf,
                                     Xapian::termcount doclen,
                                     Xapian::termcount) const {
    if (idf_ == 0 || wdf == 0) return 0;
    const double normlen = std::max(doclen * inverse_avg_, min_normlen_);
    const double w = wdf;
    return idf_ * (k1_ + 1) * w / (k1_ * ((1 - b_) + b_ * normlen) + w);
}

double SubsetBm25Weight::get_maxpart() const {
    if (idf_ == 0) return 0;
    // Largest at the highest wdf and the shortest document.
    const double w = get_wdf_upper_bound();
    if (w == 0) return 0;
    const double normlen = std::max(get_doclength_lower_bound() * inverse_avg_, min_normlen_);
    return idf_ * (k1_ + 1) * w / (k1_ * ((1 - b_) + b_ * normlen) + w);
}

double SubsetBm25Weight::get_sumextra(Xapian::termcount, Xapian::termcount) const {
    return 0;
}

double SubsetBm25Weight::get_maxextra() const {
    return 0;
}

}  // namespace herald
