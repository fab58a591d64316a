"""The A2C-LSTM agent: the LSTM and its heads (``lstm``), the encoders in front of it
(``encoders``) and the weights a config's task needs (``network``)."""
