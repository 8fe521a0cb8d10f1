"""All mapped models; importing this package registers every table on ``Base.metadata``."""

from .audit import AuditEntry, LockException, PeriodLock
from .activities import Award, MovementModel, Outreach, Patrol, Tip, WeaponHandover
from .base import Base
from .certification import CertCriterion, CertRecord, CertUnit
from .importing import ImportBatch
from .duplicates import NotDuplicate, PersonMerge
from .households import Household, HouseholdSearch, HouseholdSignup, Resident
from .mediation import MediationCase, MediationCaseMediator, MediationParty, MediationTeam, Mediator
from .rehabilitation import RehabCase, RehabEvaluation, RehabSupport
from .unit import Area, Setting, Unit
from .users import LoginFailure, User, UserArea

__all__ = [
           "Area",
           "AuditEntry",
           "LockException",
           "PeriodLock",
           "Award",
           "Base",
           "CertCriterion",
           "CertRecord",
           "CertUnit",
           "Household",
           "HouseholdSearch",
           "HouseholdSignup",
           "ImportBatch",
           "MediationCase",
           "MediationCaseMediator",
           "MediationParty",
           "MediationTeam",
           "Mediator",
           "MovementModel",
           "NotDuplicate",
           "Outreach",
           "Patrol",
           "PersonMerge",
           "RehabCase",
           "RehabEvaluation",
           "RehabSupport",
           "Resident",
           "Setting",
           "Tip",
           "Unit",
           "User",
           "UserArea",
           "LoginFailure",
           "WeaponHandover",
]
