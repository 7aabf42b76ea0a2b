import Testing

@testable import RegolithCLI

@Suite struct HelpTests {
    @Test func rootHelpListsSubcommands() {
        let help = RegolithCommand.helpMessage(columns: 100)
        #expect(help == """
            OVERVIEW: Regolith: hardware-in-the-loop flight software — run, inspect and command flight
            builds.

            USAGE: regolith <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              dict                    Work with a topology's dictionary of commands, telemetry, events and
                                      parameters.

              See 'regolith help <subcommand>' for detailed help.
            """)
    }
}
