// FlightWire: frames, packets, COBS, CAN ids and ISO-TP (issue: wire formats).
