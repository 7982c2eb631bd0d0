import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a password for a command-line tool: from the terminal without
/// echo when standard input is one, else the first line of standard input
/// (`--password-stdin` style, for scripts), never from an argument (which
/// `ps` and shell history would show).
public enum PasswordPrompt {
    public static func read(prompt: String) -> String? {
        if isatty(STDIN_FILENO) != 0 {
            guard let pointer = getpass(prompt) else { return nil }
            let text = String(cString: pointer)
            // getpass returns a static buffer: wipe it.
            memset(pointer, 0, strlen(pointer))
            return text
        }
        guard let line = Swift.readLine(strippingNewline: true) else { return nil }
        return line
    }
}
