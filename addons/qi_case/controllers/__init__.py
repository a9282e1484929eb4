from . import portal
from . import public_demand
from . import public_windows
