// Labeled NER corpora: CoNLL-2003 columns and the Groningen Meaning Bank CSV extract.
#pragma once

#include <herald/ner/model.hpp>

#include <filesystem>
#include <vector>

namespace herald {

/// @brief Reads a CoNLL-2003 file (`word POS chunk NER` columns, blank lines between
///        sentences, IOB1 or BIO tags in the last column). `-DOCSTART-` lines separate
///        documents: sentences get `document` 0, 1, … in file order (a file without them is
///        one document).
/// @throws std::runtime_error when the file cannot be read.
std::vector<LabeledSentence> read_conll(const std::filesystem::path& file);

/// @brief Reads the Groningen Meaning Bank NER extract (CSV `Sentence #,Word,POS,Tag`,
///        Latin-1, header lines skipped wherever they repeat), mapping `per`→person,
///        `org`→organization, `geo`/`gpe`→place, `art`/`eve`/`nat`→misc, `tim`→outside.
///        The extract keeps no article boundaries: each sentence is a document of its own.
/// @throws std::runtime_error when the file cannot be read.
std::vector<LabeledSentence> read_gmb(const std::filesystem::path& file);

}  // namespace herald
