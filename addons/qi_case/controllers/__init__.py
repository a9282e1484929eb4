from . import portal
from . import public_demand
