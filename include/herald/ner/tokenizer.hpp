// Tokens and sentences of news text, for the named-entity recognizer.
// All offsets are UTF-8 byte offsets into the text that was tokenized.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace herald {

/// @brief One token: the bytes [begin, end) of the tokenized text.
/// `text` is a view into that text: it is valid only while the text lives.
struct Token {
    std::size_t begin = 0;  ///< first byte of the token
    std::size_t end = 0;    ///< one past its last byte
    std::string_view text;  ///< the token as written (a view into the input)
};

/// @brief A sentence as the token index range [first, last) of a token list.
struct Sentence {
    std::size_t first = 0;
    std::size_t last = 0;
};

/// @brief Splits UTF-8 news text into tokens, in the style of the CoNLL-2003 (Penn
///        Treebank-like) tokenization:
///        - words are runs of letters and digits (any non-ASCII character that is not
///          punctuation or space counts as a letter); hyphenated words (`pro-Kremlin`,
///          `1996-08-30`), numbers (`1,000.5`) and inner apostrophes (`O’Neill`) stay one token;
///        - possessives split off as their own token, with either apostrophe (`Varga’s` →
///          `Varga` `’s`; `Reuters'` → `Reuters` `'`), and so do contractions (`don't` → `do`
///          `n't`, `we'll` → `we` `'ll`);
///        - abbreviations keep their period (`Mr.`, `Gov.`, `Jan.`, `Corp.`, see
///          is_abbreviation()), as do initialisms (`U.S.`, `a.m.`) and capital initials (`J.`);
///        - every other punctuation character is a token of its own (curly quotes, `,`, `(`),
///          except `...` and `--`, which stay whole.
/// @param text UTF-8 text (invalid bytes are taken as one-byte letters; nothing throws).
/// @return the tokens in order, with byte offsets into @p text.
/// Thread-safe.
std::vector<Token> tokenize(std::string_view text);

/// @brief Sentences of a token list: a sentence ends after `.`, `!`, `?`, `…` or `...`
///        (with the closing quotes and brackets that follow it) unless the next token starts
///        with a lower-case letter, and at a blank line of @p text. An abbreviation token
///        (`Gov.`, `U.S.`, `J.`) never ends a sentence.
/// @param text the text that @p tokens came from (for blank lines).
/// @param tokens the result of tokenize(text).
/// @return non-empty sentences covering every token, in order.
std::vector<Sentence> split_sentences(std::string_view text, const std::vector<Token>& tokens);

/// @brief True when @p word (without its period) is an abbreviation that takes a period and
///        does not end a sentence: titles (`Mr`, `Mrs`, `Ms`, `Dr`, `Gov`, `Sen`, `Rep`, `Gen`,
///        `Prof`, `St`, ...), months (`Jan` ... `Dec`), company forms (`Corp`, `Inc`, `Ltd`,
///        `Co`, `Bros`) and a few others (`vs`, `etc`, `No`, `Jr`). Case-sensitive as written
///        (`Mr`, `MR`).
bool is_abbreviation(std::string_view word);

}  // namespace herald
