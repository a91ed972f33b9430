/// The tool's version, sent in the User-Agent and recorded with every snapshot.
public enum NewswatchVersion {
    public static let current = "0.1.0"
}
