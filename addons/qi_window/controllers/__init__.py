from . import main
from . import mail
