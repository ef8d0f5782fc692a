"""Protocol core without I/O: messages, HTTP framing, endpoint machinery, stream decoders."""
