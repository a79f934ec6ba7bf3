package io.wharf.session;

/** Everything the instances of a cluster share, behind one object built at boot. */
public interface SharedState extends SessionStore, AccountStore, TokenStore, ClusterView {
}
