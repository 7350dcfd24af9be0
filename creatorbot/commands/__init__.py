"""Chat commands (text → typed request → Reply) and the vocabulary they speak."""
