"""Models of the networks app live beside their network; Django finds them through here."""

from beatdesk.networks.simulated.models import SimulatedMode, SimulatedPost

__all__ = ["SimulatedMode", "SimulatedPost"]
