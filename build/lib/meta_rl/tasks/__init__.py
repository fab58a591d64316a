"""Task families, one folder each; ``registry`` lists them, ``base`` says what each provides."""
