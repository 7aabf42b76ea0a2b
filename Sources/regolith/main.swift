import RegolithCLI

RegolithCommand.main()
