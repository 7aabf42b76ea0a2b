/// Something that may refuse a command before it reaches its component: the fault manager's
/// mode lock-outs (no reset command during powered descent). The dispatcher asks its gate
/// after decoding and range-checking a command's arguments and before the ARM check, so a
/// locked-out hazardous command does not use up its ARM.
///
/// A gate runs on the executive's thread, inside `dispatch`: it must not allocate, and it
/// reports each refusal itself (an event and a counter) with its reason.
public protocol CommandGate: AnyObject {
    /// nil to let the command through, or the response to refuse it with.
    func refusal(of opcode: Opcode, source: CommandSource) -> CommandResponse?
}
