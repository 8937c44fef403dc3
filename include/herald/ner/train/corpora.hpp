// Labeled NER corpora: CoNLL-2003 columns and the Groningen Meaning Bank CSV extract.
#pragma once

#include <herald/ner/model.hpp>

#include <filesystem>
#include <vector>

namespace herald {

/// @brief Reads a CoNLL-2003 file (`word POS chunk NER` columns, blank lines between
///        sentences, IOB1 or BIO tags in the last column). `-DOCSTART-` lines are skipped.
/// @throws std::runtime_error when the file cannot be read.
std::vector<LabeledSentence> read_conll(const std::filesystem::path& file);

/// @brief Reads the Groningen Meaning Bank NER extract (CSV `Sentence #,Word,POS,Tag`,
///        Latin-1, header lines skipped wherever they repeat), mapping `per`→person,
///        `org`→organization, `geo`/`gpe`→place, `art`/`eve`/`nat`→misc, `tim`→outside.
/// @throws std::runtime_error when the file cannot be read.
std::vector<LabeledSentence> read_gmb(const std::filesystem::path& file);

}  // namespace herald
