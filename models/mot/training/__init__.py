"""Training the MoT director: UniMAGE's two-stage recipe (interleaved concept learning, then
disentangled expert learning) on film documents, saved in BAGEL's layout."""
