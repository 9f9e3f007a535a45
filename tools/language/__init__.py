"""Language tools: reading what the user typed (the premise) with a parser and a sentence encoder."""
