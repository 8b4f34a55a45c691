"""Chapter 6's library: movie reviews, word corpora, vocabularies, skip-gram batches and network,
sentiment classifiers, word-vector evaluation and the gensim reference."""
