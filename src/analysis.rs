//! Russian text analysis for the index: tokenisation, ё/е folding, stemming, stop words,
//! language detection.
