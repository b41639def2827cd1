"""NeuroCanvas core: read a project, check it, infer shapes, compile it to a torch.nn.Module (no UI code)."""
from .catalogue import CATEGORIES, LAYERS, palette
from .checked_project import Checked, check, checked
from .compile import GraphError, build_model
from .project import (FORMAT, Edge, Graph, Node, Project, ProjectError, as_graph, blank_project, load_project,
                      parse_project, save_project)
from .report import Problem, Report

__all__ = ["CATEGORIES", "LAYERS", "palette", "Checked", "check", "checked", "GraphError", "build_model", "FORMAT",
           "Edge", "Graph", "Node", "Project", "ProjectError", "as_graph", "blank_project", "load_project",
           "parse_project", "save_project", "Problem", "Report"]
