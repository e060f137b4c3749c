"""Editorial framing, learned: sentence-level framing scores (sentence.py) and a loaded-word tagger
(loaded.py) over multilingual USE vectors, with numpy weights in weights/ and MODEL_CARD.md."""
