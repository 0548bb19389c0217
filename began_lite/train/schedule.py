"""The paper's learning-rate rule (section 4.1): halve lr when the convergence measure M stalls."""
import math
from dataclasses import asdict, dataclass


@dataclass
class StallHalving:
    """Halve lr after `patience` steps with no new lowest M, never below `lr_min` (0: off)."""
    lr: float
    lr_min: float
    patience: int
    best_M: float = math.inf
    best_step: int = 0

    def update(self, step: int, M: float) -> float:
        """Record the mean M of the log window ending at `step`; return the lr to use from now."""
        if M < self.best_M:
            self.best_M, self.best_step = M, step
        elif self.patience and step - self.best_step >= self.patience and self.lr > self.lr_min:
            self.lr = max(self.lr / 2, self.lr_min)
            self.best_step = step  # give the smaller lr a full `patience` before judging it
        return self.lr

    def state_dict(self) -> dict:
        return asdict(self)

    def load_state_dict(self, state: dict) -> None:
        for key, value in state.items():
            setattr(self, key, value)
