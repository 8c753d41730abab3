"""Render device models to vendor configs with Jinja2: one environment, templates compiled once.

Templates hold no logic beyond loops and formatting; StrictUndefined turns any reference to a field
the model does not have into an error instead of an empty string in a router config.

Rendering 5 M lines is the bulk of a build, so the compiled templates are made cheaper to run
(`FastCodeGenerator`), with the same output and the same semantics:
- the pieces of one output line are yielded as one joined string instead of one generator step each
  (a 7-piece line cost 7 generator resumptions and 7 joins);
- `x.y` is Python's builtin `getattr(x, "y")` instead of a call to Jinja's `Environment.getattr`
  (10 M calls per gigawatt build, a fifth of the render time). Jinja's lookup differs only where
  the builtin raises AttributeError (a dict key read as `x.key`, `x.y is defined` on a missing
  field): a device whose render raises it is rendered again with Jinja's own lookups
  (`reference_environment`), so every template renders exactly as Jinja renders it. Lookups under
  `is defined` and `default` use Jinja's from the start, so a template that tests for a field does
  not pay twice.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from contextlib import suppress
from functools import cache
from importlib import resources
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst

from generator.findings import Finding, InputError, Location
from generator.model import Device, allowas_in, bandwidth_communities
from generator.platforms import template_filters
from generator.render.outdir import user_cache

# The templates ship inside the package (the top-level templates/ folder is generator/templates in
# the wheel); `--templates DIR` overrides them wherever rendering happens.
TEMPLATES = Path(str(resources.files("generator") / "templates"))


class FastCodeGenerator(CodeGenerator):
    """Jinja2's code generator with one output line per generator step (see the module doc)."""

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:  # noqa: N802 - Jinja2 visitor name
        if frame.buffer is not None or frame.require_output_check:
            super().visit_Output(node, frame)
            return
        finalize = self._make_finalize()
        body: list[list[str] | nodes.Expr] = []  # as in CodeGenerator.visit_Output: constants folded
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            last = body[-1] if body else None
            if isinstance(last, list):
                last.append(const)
            else:
                body.append([const])
        if len(body) <= 1:
            super().visit_Output(node, frame)
            return
        self.writeline('yield "".join((')  # one generator step for the whole line
        for item in body:
            if isinstance(item, list):
                self.write(self._output_const_repr(item) + ", ")
            else:
                self.newline(item)  # inside the parentheses: keeps the template line of each expression
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
                self.write(", ")
        self.write("))")

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:  # noqa: N802 - Jinja2 visitor name
        if self.environment.is_async or not getattr(self.environment, "builtin_lookups", False) or self._tests:
            super().visit_Getattr(node, frame)
            return
        self.write("getattr(")
        self.visit(node.node, frame)
        self.write(f", {node.attr!r})")

    _tests = 0  # > 0 inside `is defined`, `default` and the like: a missing field is an answer there, not an error

    def visit_Test(self, node: nodes.Test, frame: Frame) -> None:  # noqa: N802 - Jinja2 visitor name
        self._tests += 1
        try:
            super().visit_Test(node, frame)
        finally:
            self._tests -= 1

    def visit_Filter(self, node: nodes.Filter, frame: Frame) -> None:  # noqa: N802 - Jinja2 visitor name
        self._tests += node.name in _UNDEFINED_AWARE
        try:
            super().visit_Filter(node, frame)
        finally:
            self._tests -= node.name in _UNDEFINED_AWARE


_UNDEFINED_AWARE = frozenset({"default", "d"})  # filters that turn a missing field into a value


class _Environment(jinja2.Environment):
    code_generator_class = FastCodeGenerator
    builtin_lookups = False


class _BuiltinLookups(_Environment):
    builtin_lookups = True


class _SafeBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, as a cache only: a file that cannot be read, written
    or parsed costs a compile, never a render."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry: compile instead
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache(cls: type[jinja2.Environment]) -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept between runs: the user's cache directory (compiling the
    EOS and FRR templates costs 35 ms of every build that renders). Jinja keys an entry by template
    name and source checksum; the directory is keyed by what else shapes the compiled code (this
    module: the code generator and the environment's options; Jinja's version; the lookup kind).
    Only a directory of this user's that nobody else can write is used (its entries are loaded
    as code, like Python's own __pycache__)."""
    try:
        key = hashlib.sha256(Path(__file__).read_bytes() + f"{jinja2.__version__}:{cls.__name__}".encode())
        directory = user_cache("templates") / key.hexdigest()[:32]
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.stat(directory)
    except (OSError, RuntimeError):  # no home, a read-only one: compile every time
        return None
    if st.st_uid != os.getuid() or st.st_mode & 0o022:
        return None
    return _SafeBytecodeCache(str(directory))


def _configured(cls: type[jinja2.Environment], root: Path) -> jinja2.Environment:
    env = cls(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        cache_size=-1,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(cls),
    )
    env.filters.update(template_filters(), allowas_in=allowas_in)
    env.globals.update(bandwidth_communities=bandwidth_communities)
    return env


@cache
def environment(root: Path = TEMPLATES) -> jinja2.Environment:
    """The environment every device renders with (builtin attribute lookups, see the module doc)."""
    return _configured(_BuiltinLookups, root)


@cache
def reference_environment(root: Path = TEMPLATES) -> jinja2.Environment:
    """The same templates with Jinja's own attribute lookups: the fallback for a render that needs them."""
    return _configured(_Environment, root)


def template_for(
    platform: str, root: Path = TEMPLATES, env: Callable[[Path], jinja2.Environment] = environment
) -> jinja2.Template:
    return env(root).get_template(f"{platform}/device.j2")


def render_device(device: Device, root: Path = TEMPLATES) -> str:
    """The device's config; a template that fails at render time (an attribute the model does not
    have, a filter on the wrong type) is a located BAG081 naming the template line and the device."""
    try:
        try:
            return template_for(device.platform, root).render(d=device)
        except AttributeError:  # a lookup only Jinja's own getattr answers (see the module doc), or a real error
            return template_for(device.platform, root, reference_environment).render(d=device)
    except jinja2.TemplateError as exc:
        raise InputError([_template_finding(exc, device.name)]) from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        if _template_frame(exc.__traceback__) is None:
            raise
        raise InputError([_template_finding(exc, device.name)]) from None


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost template line in a traceback (Jinja2 rewrites frames to template file and line)."""
    found = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_finding(exc: Exception, device: str) -> Finding:
    frame = _template_frame(exc.__traceback__)
    where = Location(*frame, 1) if frame else None
    message = getattr(exc, "message", None) or str(exc)
    return Finding(
        "BAG081",
        f"template error while rendering {device}: {message}",
        location=where,
        device=device,
        hint="the template uses something the device model does not have; fix the template (--templates)",
    )


def compile_templates(platforms: Iterable[str], templates: Path) -> None:
    """Compile these platforms' templates in this process, before workers fork: each would otherwise
    compile them again (Jinja caches a compiled template per environment)."""
    for platform in platforms:
        compile_template(platform, templates)


def compile_template(platform: str, templates: Path) -> None:
    """Load a platform's templates (includes too: Jinja compiles those only when first rendered),
    turning a missing or malformed one into a located finding."""
    try:
        template_for(platform, templates)
        for path in sorted((templates / platform).glob("*.j2")):
            environment(templates).get_template(f"{platform}/{path.name}")
    except jinja2.TemplateNotFound as exc:
        hint = f"add {platform}/device.j2 to {templates}, or build with the shipped templates"
        raise InputError([Finding("BAG081", f"no template {exc.name} in {templates}", hint=hint)]) from exc
    except jinja2.TemplateSyntaxError as exc:
        where = Location(str(exc.filename or exc.name or platform), exc.lineno, 1)
        hint = "fix the template at this line, or build with the shipped templates (leave out --templates)"
        raise InputError(
            [Finding("BAG081", f"template syntax error: {exc.message}", location=where, hint=hint)]
        ) from exc
