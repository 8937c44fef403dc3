// Ranking: BM25 over a subset of the database's documents (the story documents).
#pragma once

#include <xapian.h>

#include <string>

namespace herald {

/// @brief BM25 (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and
///        Beyond", 2009) with the collection size N given instead of taken from the database,
///        for searches that only ever match a known subset of it: story documents share the
///        database with the paragraph documents, but their words (schema::kStoryWord) occur
///        in story documents only, so a story word's idf must count stories, not all
///        documents (with N counting paragraphs too, every idf gains the same constant and
///        rare words lose their edge).
///
///        Per term: idf × (k1 + 1) wdf / (k1 ((1 − b) + b · max(len / avg, min_normlen)) + wdf),
///        idf = log(r) with r = (N − n + 0.5) / (n + 0.5), raised to r / 2 + 1 when r < 2 so
///        that it stays positive (as Xapian::BM25Weight does, so the two rank alike on the
///        same statistics), times the query-term part 2 wqf / (1 + wqf) (k3 = 1, Xapian's
///        default) and the query's weight factor (OP_SCALE_WEIGHT). n is the term's document
///        frequency, len the document length and avg the database's average document length.
///        No document (k2) part.
///
///        Thread safety: as any Xapian::Weight (a prototype is cloned per search).
class SubsetBm25Weight : public Xapian::Weight {
   public:
    /// @param collection_size N: the documents the search can match (≥ 1).
    /// @param k1 term-frequency saturation, ≥ 0.
    /// @param b length normalization, in [0, 1].
    /// @param min_normlen floor of len / avg (Xapian's default 0.5).
    /// @throws Xapian::InvalidArgumentError when a parameter is out of range.
    SubsetBm25Weight(Xapian::doccount collection_size, double k1, double b, double min_normlen);

    std::string name() const override;
    std::string serialise() const override;
    Xapian::Weight* unserialise(const std::string& serialised) const override;
    Xapian::Weight* clone() const override;

    double get_sumpart(Xapian::termcount wdf,
                       Xapian::termcount doclen,
                       Xapian::termcount uniqterms) const override;
    double get_maxpart() const override;
    double get_sumextra(Xapian::termcount doclen, Xapian::termcount uniqterms) const override;
    double get_maxextra() const override;

   private:
    void init(double factor) override;

    Xapian::doccount collection_size_;
    double k1_, b_, min_normlen_;
    double idf_ = 0;          // set by init(): idf × factor
    double inverse_avg_ = 0;  // 1 / the average document length (0 when unknown)
};

}  // namespace herald
