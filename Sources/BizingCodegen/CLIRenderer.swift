/// Turns parsed schema files into the generated part of the `bizing` command
/// line (Swift for the `bizing` executable, on swift-argument-parser):
///
/// - per service, a command group named after its context, the last package
///   component before the version (`bizing.system.v1` -> `bizing system`).
///   A package with several services gets one group with a subgroup per
///   service (`bizing booking holds ...`), so the top level stays one entry
///   per context. When packages share a context (`bizing.booking.v1` and
///   `bizing.booking.v2`), each is named by its whole package instead
///   (`booking-v1`, `booking-v2`) rather than one of them silently taking
///   the short name;
/// - per method, a subcommand in kebab case (`PingStream` -> `ping-stream`)
///   whose help is the method's comment and the request's fields, with a
///   flag per top-level scalar, enum or Timestamp field of the request
///   (`interval_millis` -> `--interval-millis`); messages and maps are set
///   through `--data`;
/// - an index, `GeneratedCommands`, that `bizing` registers as it is.
///
/// The commands are thin: they collect their flags and hand them to
/// `MethodOptions.call` (hand-written, in `Sources/bizing`), which builds the
/// request as JSON and converts it through the descriptors.
public struct CLIRenderer {
    /// The commands `bizing` defines itself: no group may take their names.
    public static let builtInCommands: Set<String> = ["call", "list", "describe", "help"]

    /// The long options every method command has already (`MethodOptions`
    /// and `ConnectionOptions` in Sources/bizing): a field whose flag would
    /// take one of them is set through `--data` only.
    public static let reservedFlags: Set<String> = ["help", "data", "json-lines", "socket", "timeout"]

    private var messages: [String: ProtoMessage] = [:]
    private var enums: [String: ProtoEnum] = [:]

    /// Where each service's commands go, by full service name.
    private struct ServicePlan {
        var structName: String
        var commandName: String
        /// The words after `bizing`: `system`, `booking holds`.
        var path: String
    }

    private var services: [String: ServicePlan] = [:]

    /// A package with several services: one group around their groups.
    private struct PackageGroup {
        var package: String
        var structName: String
        var commandName: String
        var services: [String]
    }

    /// The top-level groups, by command name: a service's or a package's.
    private var topLevel: [(commandName: String, structName: String)] = []
    private var packageGroups: [PackageGroup] = []

    /// `files` must have passed `SwiftRenderer(files:)` (names resolve).
    public init(files: [ProtoFile]) throws(SchemaError) {
        for file in files {
            func register(_ message: ProtoMessage, scope: String) {
                let name = "\(scope).\(message.name)"
                messages[name] = message
                for nested in message.messages { register(nested, scope: name) }
                for nested in message.enums { enums["\(name).\(nested.name)"] = nested }
            }
            for message in file.messages { register(message, scope: file.package) }
            for protoEnum in file.enums { enums["\(file.package).\(protoEnum.name)"] = protoEnum }
        }

        // Services by package, each package's in order of command name (not
        // of files, so the output does not depend on the order of the files).
        var byPackage: [String: [ProtoService]] = [:]
        for file in files { byPackage[file.package, default: []] += file.services }
        byPackage = byPackage.filter { !$0.value.isEmpty }
        let packages = byPackage.keys.sorted()

        // The group name of each package: its context, unless another package shares it.
        var contexts: [String: [String]] = [:]
        for package in packages { contexts[Self.context(ofPackage: package, services: byPackage[package]!), default: []].append(package) }
        var groupNames: [String: String] = [:]
        for (context, sharing) in contexts {
            for package in sharing { groupNames[package] = sharing.count == 1 ? context : Self.qualifiedName(ofPackage: package) }
        }

        var usedTopLevel: [String: String] = [:]
        for package in packages {
            let packageServices = byPackage[package]!
            let groupName = groupNames[package]!
            let location = packageServices[0].location
            if Self.builtInCommands.contains(groupName) {
                throw SchemaError(location: location, message: "package \(package) would give the command group '\(groupName)', which is a built-in bizing command; rename the package")
            }
            if let other = usedTopLevel[groupName] {
                throw SchemaError(location: location, message: "packages \(other) and \(package) would both give the command group '\(groupName)'; rename one")
            }
            usedTopLevel[groupName] = package
            let namespace = SwiftNames.namespace(ofPackage: package)
            if packageServices.count == 1 {
                let service = packageServices[0]
                let structName = "\(namespace)\(service.name)Commands"
                services["\(package).\(service.name)"] = ServicePlan(structName: structName, commandName: groupName, path: groupName)
                topLevel.append((groupName, structName))
            } else {
                var seen: [String: String] = [:]
                var members: [(String, String)] = []
                for service in packageServices {
                    let commandName = SwiftNames.kebab(service.name)
                    if let other = seen[commandName] {
                        throw SchemaError(location: service.location, message: "services \(other) and \(service.name) would both give the command '\(commandName)'; rename one")
                    }
                    if commandName == "help" {
                        throw SchemaError(location: service.location, message: "service \(service.name) would give the command 'help', which the command line takes; rename it")
                    }
                    seen[commandName] = service.name
                    let structName = "\(namespace)\(service.name)Commands"
                    services["\(package).\(service.name)"] = ServicePlan(structName: structName, commandName: commandName, path: "\(groupName) \(commandName)")
                    members.append((commandName, structName))
                }
                let structName = "\(namespace)Commands"
                packageGroups.append(PackageGroup(
                    package: package, structName: structName, commandName: groupName,
                    services: members.sorted { $0.0 < $1.0 }.map(\.1)))
                topLevel.append((groupName, structName))
            }
            for service in packageServices {
                var seen: [String: String] = [:]
                for method in service.methods {
                    let commandName = SwiftNames.kebab(method.name)
                    if let other = seen[commandName] {
                        throw SchemaError(location: method.location, message: "methods \(other) and \(method.name) would both give the command '\(commandName)'; rename one")
                    }
                    if commandName == "help" {
                        throw SchemaError(location: method.location, message: "method \(method.name) would give the command 'help', which the command line takes; rename it")
                    }
                    seen[commandName] = method.name
                }
            }
        }
        topLevel.sort { $0.commandName < $1.commandName }
    }

    /// `bizing.booking_admin.v2` -> `booking-admin`: the last component that is
    /// not a version. A package that is only a version is named by its first service.
    static func context(ofPackage package: String, services: [ProtoService]) -> String {
        var parts = package.split(separator: ".").map(String.init)
        while let last = parts.last, isVersion(last) { parts.removeLast() }
        return SwiftNames.kebab(parts.last ?? services[0].name)
    }

    /// `bizing.booking.v2` -> `booking-v2`; `acme.shop.v1` -> `acme-shop-v1`.
    static func qualifiedName(ofPackage package: String) -> String {
        var parts = package.split(separator: ".").map(String.init)
        if parts.count > 1 && parts[0] == "bizing" { parts.removeFirst() }
        return parts.map(SwiftNames.kebab).joined(separator: "-")
    }

    /// `v1`, `v2beta1`, `v1alpha`.
    static func isVersion(_ component: String) -> Bool {
        guard component.first == "v" else { return false }
        let rest = component.dropFirst()
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        let suffix = rest.dropFirst(digits.count)
        let letters = suffix.prefix { $0.isASCII && $0.isLowercase }
        let tail = suffix.dropFirst(letters.count)
        return !digits.isEmpty && tail.allSatisfy { $0.isASCII && $0.isNumber }
    }

    // MARK: Name resolution (as protobuf does: innermost scope outwards)

    private func resolve(_ name: String, scope: String) -> String? {
        func known(_ candidate: String) -> Bool { messages[candidate] != nil || enums[candidate] != nil }
        if name.hasPrefix(".") { return known(String(name.dropFirst())) ? String(name.dropFirst()) : nil }
        var parts = scope.split(separator: ".").map(String.init)
        while true {
            let candidate = (parts + [name]).joined(separator: ".")
            if known(candidate) { return candidate }
            if parts.isEmpty { return nil }
            parts.removeLast()
        }
    }

    // MARK: Output

    /// The commands of one file's services (`<file>.commands.swift`), or nil
    /// when the file has no services.
    public func render(_ file: ProtoFile) -> String? {
        guard !file.services.isEmpty else { return nil }
        var out = SwiftWriter()
        out.line("// DO NOT EDIT. Generated by bizing-codegen from \(file.path).")
        out.line("")
        out.line("import ArgumentParser")
        out.line("import BizingAPI")
        out.line("import BizingTools")
        for service in file.services {
            out.line("")
            out.block("extension GeneratedCommands") { out in renderService(service, file: file, into: &out) }
        }
        return out.text
    }

    /// `GeneratedCommands`: every top-level group, for `bizing` to register,
    /// and the groups of packages with several services.
    public func renderIndex() -> String {
        var out = SwiftWriter()
        out.line("// DO NOT EDIT. Generated by bizing-codegen from every file in schema/.")
        out.line("")
        out.line("import ArgumentParser")
        out.line("")
        out.line("/// The commands generated from schema/: one group per context (the package's")
        out.line("/// last component before its version), one subcommand per method.")
        out.block("enum GeneratedCommands") { out in
            out.block("static var groups: [any ParsableCommand.Type]") { out in
                out.line("[")
                for group in topLevel { out.line("    \(group.structName).self,") }
                out.line("]")
            }
            for group in packageGroups {
                out.line("")
                out.line("/// `bizing \(group.commandName)`: the services of \(group.package).")
                out.block("struct \(group.structName): AsyncParsableCommand") { out in
                    out.line("static let configuration = CommandConfiguration(")
                    out.line("    commandName: \(SwiftNames.stringLiteral(group.commandName)),")
                    out.line("    abstract: \(SwiftNames.stringLiteral("The services of \(group.package)."))," )
                    out.line("    subcommands: [\(group.services.map { "\($0).self" }.joined(separator: ", "))])")
                }
            }
        }
        return out.text
    }

    private func renderService(_ service: ProtoService, file: ProtoFile, into out: inout SwiftWriter) {
        let fullName = "\(file.package).\(service.name)"
        let plan = services[fullName]!
        let (abstract, rest) = Self.summary(service.comment)
        var discussion = "The methods of \(fullName), one subcommand each."
        if !rest.isEmpty { discussion = rest + "\n\n" + discussion }
        let methodStructs = service.methods.map { "\(SwiftNames.upperCamel($0.name))Command" }
        out.line("/// `bizing \(plan.path)`: the methods of \(fullName).")
        out.block("struct \(plan.structName): AsyncParsableCommand") { out in
            out.line("static let configuration = CommandConfiguration(")
            out.line("    commandName: \(SwiftNames.stringLiteral(plan.commandName)),")
            out.line("    abstract: \(SwiftNames.stringLiteral(abstract.isEmpty ? "The methods of \(fullName)." : abstract)),")
            out.line("    discussion: \(SwiftNames.stringLiteral(discussion)),")
            out.line("    subcommands: [\(methodStructs.map { "\($0).self" }.joined(separator: ", "))])")
            for (method, structName) in zip(service.methods, methodStructs) {
                out.line("")
                renderMethod(method, structName: structName, service: service, path: plan.path, file: file, into: &out)
            }
        }
    }

    /// How one request field is set from the command line.
    private struct FieldPlan {
        var field: ProtoField
        /// As written in the schema, for the help: `uint32`, `repeated string`, `enum pkg.E`.
        var typeText: String
        /// The long flag without `--`, or nil: set through `--data` only.
        var flag: String?
        var property: String
        /// The attribute and declaration lines.
        var declaration: [String]
    }

    private func renderMethod(
        _ method: ProtoMethod, structName: String, service: ProtoService, path: String, file: ProtoFile, into out: inout SwiftWriter
    ) {
        let input = resolve(method.input, scope: file.package)!
        let output = resolve(method.output, scope: file.package)!
        let fields = plans(for: messages[input]!, fullName: input)
        let (abstract, rest) = Self.summary(method.comment)
        var discussion: [String] = []
        if !rest.isEmpty { discussion += [rest, ""] }
        if fields.isEmpty {
            discussion.append("The request, \(input), has no fields.")
        } else {
            discussion.append("The request is a \(input). The options set its fields; --data gives it whole as JSON, and the options then override its fields:")
            for plan in fields {
                let how = plan.flag.map { "--\($0)" } ?? "--data only"
                let comment = Self.oneLine(plan.field.comment)
                discussion.append("- \(plan.field.name) (\(plan.typeText), \(how))\(comment.isEmpty ? "" : ": \(comment)")")
            }
        }
        discussion.append("")
        discussion.append(method.serverStreaming
            ? "Server-streaming: prints each \(output) as it arrives."
            : "Prints the \(output) as JSON.")
        let descriptor = "\(SwiftNames.namespace(ofPackage: file.package)).\(service.name).\(SwiftNames.escaped(SwiftNames.lowerCamel(method.name)))"
        out.line("/// `bizing \(path) \(SwiftNames.kebab(method.name))`: \(file.package).\(service.name)/\(method.name).")
        out.block("struct \(structName): AsyncParsableCommand") { out in
            out.line("static let configuration = CommandConfiguration(")
            out.line("    commandName: \(SwiftNames.stringLiteral(SwiftNames.kebab(method.name))),")
            out.line("    abstract: \(SwiftNames.stringLiteral(abstract.isEmpty ? "Calls \(file.package).\(service.name)/\(method.name)." : abstract)),")
            out.line("    discussion: \(SwiftNames.stringLiteral(discussion.joined(separator: "\n"))))")
            for plan in fields where plan.flag != nil {
                out.line("")
                for line in plan.declaration { out.line(line) }
            }
            out.line("")
            out.line("@OptionGroup var options: MethodOptions")
            out.line("")
            out.block("func run() async throws") { out in
                let settings = fields.filter { $0.flag != nil }
                if settings.isEmpty {
                    out.line("try await options.call(\(descriptor), flags: [])")
                } else {
                    out.line("try await options.call(\(descriptor), flags: [")
                    for plan in settings {
                        out.line("    FlagSetting(\(SwiftNames.stringLiteral(plan.field.name)), \(SwiftNames.stringLiteral("--\(plan.flag!)")), \(plan.property)),")
                    }
                    out.line("])")
                }
            }
        }
    }

    private func plans(for message: ProtoMessage, fullName: String) -> [FieldPlan] {
        var taken = Self.reservedFlags
        return message.fields.map { field in
            let property = "field\(SwiftNames.upperCamel(field.name))"
            var typeText: String
            // The flag's Swift type and value name; nil: no flag (a message or a map).
            var flagType: (swift: String, valueName: String, signed: Bool)?
            var enumValues: [String] = []
            var extraHelp = ""
            switch field.type {
            case .scalar(let scalar):
                typeText = scalar.rawValue
                flagType = Self.flagType(scalar)
            case .timestamp:
                typeText = "google.protobuf.Timestamp"
                flagType = ("String", "timestamp", false)
                extraHelp = "RFC 3339, e.g. 2026-11-25T09:30:00Z."
            case .named(let name):
                let resolved = resolve(name, scope: fullName)!
                if let protoEnum = enums[resolved] {
                    typeText = "enum \(resolved)"
                    enumValues = Self.flagValues(of: protoEnum)
                    flagType = ("String", SwiftNames.kebab(protoEnum.name), false)
                    extraHelp = "One of: \(enumValues.joined(separator: ", ")) (any case; the full proto name or the number too)."
                } else {
                    typeText = "message \(resolved)"
                }
            case .map(let key, let value):
                var valueText: String
                switch value {
                case .scalar(let scalar): valueText = scalar.rawValue
                case .timestamp: valueText = "google.protobuf.Timestamp"
                case .named(let name):
                    let resolved = resolve(name, scope: fullName)!
                    valueText = enums[resolved] != nil ? "enum \(resolved)" : "message \(resolved)"
                case .map: valueText = "map"
                }
                typeText = "map<\(key.rawValue), \(valueText)>"
            }
            switch field.label {
            case .repeated: typeText = "repeated \(typeText)"
            case .optional: typeText = "optional \(typeText)"
            case .singular: break
            }
            let flag = SwiftNames.kebab(field.name)
            let isBool = field.type == .scalar(.bool) && field.label != .repeated
            let names = isBool ? [flag, "no-\(flag)"] : [flag]
            guard let flagType, names.allSatisfy({ !taken.contains($0) }) else {
                return FieldPlan(field: field, typeText: typeText, flag: nil, property: property, declaration: [])
            }
            taken.formUnion(names)
            var help = Self.oneLine(field.comment)
            for extra in [extraHelp, field.label == .repeated ? "Repeatable." : ""] where !extra.isEmpty {
                help += help.isEmpty ? extra : " \(extra)"
            }
            let name = ".customLong(\(SwiftNames.stringLiteral(flag)))"
            var declaration: [String]
            if isBool {
                declaration = [
                    "@Flag(name: \(name), inversion: .prefixedNo, help: \(SwiftNames.stringLiteral(help)))",
                    "var \(property): Bool?",
                ]
            } else {
                var arguments = ["name: \(name)"]
                if flagType.signed {
                    // `--delta -5`: the value may look like an option.
                    arguments.append(field.label == .repeated ? "parsing: .unconditionalSingleValue" : "parsing: .unconditional")
                }
                arguments.append("help: ArgumentHelp(\(SwiftNames.stringLiteral(help)), valueName: \(SwiftNames.stringLiteral(flagType.valueName)))")
                if !enumValues.isEmpty {
                    arguments.append("completion: .list([\(enumValues.map(SwiftNames.stringLiteral).joined(separator: ", "))])")
                }
                declaration = [
                    "@Option(\(arguments.joined(separator: ", ")))",
                    field.label == .repeated ? "var \(property): [\(flagType.swift)] = []" : "var \(property): \(flagType.swift)?",
                ]
            }
            return FieldPlan(field: field, typeText: typeText, flag: flag, property: property, declaration: declaration)
        }
    }

    private static func flagType(_ scalar: ProtoScalar) -> (swift: String, valueName: String, signed: Bool) {
        switch scalar {
        case .double: ("Double", "double", true)
        case .float: ("Float", "float", true)
        case .int32, .sint32, .sfixed32: ("Int32", scalar.rawValue, true)
        case .int64, .sint64, .sfixed64: ("Int64", scalar.rawValue, true)
        case .uint32, .fixed32: ("UInt32", scalar.rawValue, false)
        case .uint64, .fixed64: ("UInt64", scalar.rawValue, false)
        case .bool: ("Bool", "bool", false)
        case .string: ("String", "string", false)
        case .bytes: ("String", "base64", false)
        }
    }

    /// The values an enum flag lists: the proto names without the enum's
    /// prefix (when every value carries it), in lower kebab case.
    static func flagValues(of protoEnum: ProtoEnum) -> [String] {
        let prefix = SwiftNames.screamingPrefix(protoEnum.name)
        let strip = protoEnum.values.allSatisfy { $0.name.hasPrefix(prefix) && $0.name.count > prefix.count }
        return protoEnum.values.map { SwiftNames.kebab(String(strip ? $0.name.dropFirst(prefix.count) : $0.name[...]).lowercased()) }
    }

    // MARK: Help text

    /// A comment's first sentence (its first line, continued while that ends
    /// mid-sentence) and the rest.
    static func summary(_ comment: String) -> (abstract: String, rest: String) {
        let lines = comment.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " \t\r") }
        var index = 0
        var abstract: [String] = []
        while index < lines.count, !lines[index].isEmpty {
            abstract.append(lines[index])
            index += 1
            if let last = lines[index - 1].last, ".!?".contains(last) { break }
        }
        while index < lines.count, lines[index].isEmpty { index += 1 }
        var rest = Array(lines[index...])
        while rest.last?.isEmpty == true { rest.removeLast() }
        return (abstract.joined(separator: " "), rest.joined(separator: "\n"))
    }

    static func oneLine(_ comment: String) -> String {
        comment.split(separator: "\n").map { $0.trimmingCharacters(in: " \t\r") }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var result = Substring(self)
        while let first = result.first, set.contains(first) { result.removeFirst() }
        while let last = result.last, set.contains(last) { result.removeLast() }
        return String(result)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
