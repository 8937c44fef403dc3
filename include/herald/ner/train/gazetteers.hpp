// Gazetteers for the tagger's features: place, company and person-name lists.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace herald {

/// @brief Where a listed name comes from; each source is its own gazetteer feature.
enum class GazetteerSource : int {
    major_city = 0,  ///< GeoNames city with 100,000 people or more
    town,            ///< other GeoNames city (1,000 people or more)
    country,         ///< ISO 3166-1 name, common or official name; ISO 3166-3 former country
    region,          ///< ISO 3166-2 subdivision
    company,         ///< SEC EDGAR company title (as listed and without its legal form), cspell
    first_name,      ///< English first name (female and male lists)
    person_name,     ///< first or last name (cspell people names)
};
inline constexpr int kGazetteerSources = 7;

/// @brief One listed name as tokens (tokenize()'s tokens of the listed form, case kept).
struct GazetteerName {
    std::vector<std::string> tokens;
    GazetteerSource source = GazetteerSource::town;
};

/// @brief Reads the name lists of a gazetteer folder laid out as `../shared/corpus/gazetteers`:
///        `geonames_cities1000.tsv` (GeoNames, CC BY 4.0: columns geonameid, name, country,
///        feature_code, admin1, population, ...), `iso_3166-1.json`, `iso_3166-2.json`,
///        `iso_3166-3.json` (Debian iso-codes), `sec_company_tickers.json` (SEC EDGAR),
///        `cspell_companies.txt`, `cspell_people_names.txt` (one name a line, `#` comments),
///        `first_names_female_en.txt`, `first_names_male_en.txt`. A file that is absent is
///        skipped (and named on @p log); names of more than 5 tokens are dropped. A company
///        title also counts without a trailing legal form (`Apple Inc.` → `Apple`; `Inc`,
///        `Corp`, `Co`, `Ltd`, `PLC`, `LLC`, `AG`, `SA`, `NV`, `Holdings`, `Group`, ...).
/// @return the names in file order (duplicates kept).
/// @throws std::runtime_error when a file exists but cannot be read or parsed (JSON).
std::vector<GazetteerName> read_gazetteers(const std::filesystem::path& dir, std::ostream* log);

}  // namespace herald
