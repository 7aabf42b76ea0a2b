import ArgumentParser

@main
struct Regolith: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regolith",
        abstract: "Hardware-in-the-loop flight software: run, command and test Regolith flight builds.")
}
