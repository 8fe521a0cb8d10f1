"""All mapped models; importing this package registers every table on ``Base.metadata``."""

from .base import Base
from .households import Household, HouseholdSearch, HouseholdSignup, Resident
from .mediation import MediationCase, MediationCaseMediator, MediationParty, MediationTeam, Mediator
from .rehabilitation import RehabCase, RehabEvaluation, RehabSupport
from .unit import Area, Unit

__all__ = ["Base", "Unit", "Area", "Household", "Resident", "HouseholdSignup", "HouseholdSearch",
           "RehabCase", "RehabEvaluation", "RehabSupport", "MediationTeam", "Mediator",
           "MediationCase", "MediationParty", "MediationCaseMediator"]
