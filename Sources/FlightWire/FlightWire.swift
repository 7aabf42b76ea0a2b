// FlightWire: every byte that crosses a link. See docs/wire.md for each format's layout.
//
//   SpacePacket/  CCSDS Space Packet primary header, per-APID sequence counts
//   DataLink/     CCSDS TC (uplink) and fixed-length TM (downlink) transfer frames
//   FPrime/       F Prime packet layouts carried in space packets (command, channel, event)
//   COBS/         COBS + CRC-32C stream framing for device serial links, resynchronising deframer
//   CAN/          CAN / CAN FD frames, Regolith's CAN id plan, little-endian signal packing
//   ISOTP/        ISO 15765-2 segmentation and reassembly
//
// Imports FlightCore and the standard library only. Every decoder takes bytes from outside:
// none traps, none allocates in steady state, each rejects with a specific typed reason.
