return Emulator.Cli.EmuApp.Run(args);
