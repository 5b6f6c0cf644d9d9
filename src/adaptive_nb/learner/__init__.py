"""Learners: decide where to evaluate a function next."""

from adaptive_nb.learner.average_learner import AverageLearner
from adaptive_nb.learner.average_learner1D import AverageLearner1D
from adaptive_nb.learner.balancing_learner import BalancingLearner
from adaptive_nb.learner.base_learner import BaseLearner
from adaptive_nb.learner.data_saver import DataSaver, make_datasaver
from adaptive_nb.learner.integrator_learner import IntegratorLearner
from adaptive_nb.learner.learner1D import Learner1D
from adaptive_nb.learner.learner2D import Learner2D
from adaptive_nb.learner.learnerND import LearnerND
from adaptive_nb.learner.sequence_learner import SequenceLearner

__all__ = [
    "AverageLearner",
    "AverageLearner1D",
    "BalancingLearner",
    "BaseLearner",
    "DataSaver",
    "IntegratorLearner",
    "Learner1D",
    "Learner2D",
    "LearnerND",
    "SequenceLearner",
    "make_datasaver",
]
