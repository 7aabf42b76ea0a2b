public import FlightCore

/// The fault injector's generator: FlightCore's ``SeededRandom`` (SplitMix64).
public typealias SimulatedRandom = SeededRandom
