pytest_plugins = ["ccc_emulator.testing", "tests.pacing"]
