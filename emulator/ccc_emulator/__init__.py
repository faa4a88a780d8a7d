"""A local emulator of Tencent Cloud CCC's predictive-dialing read actions."""

from ccc_emulator.server import Emulator

__all__ = ["Emulator"]
