package datadir_test

import (
	"testing"

	"github.com/posdesk/posdesk/internal/datadir"
)

func TestPathRisk(t *testing.T) {
	tests := []struct {
		path    string
		windows bool
		want    datadir.Risk
	}{
		// The default places, local.
		{`C:\Users\li\AppData\Roaming\posdesk\posdesk.db`, true, datadir.Risk{Kind: datadir.Local}},
		{`/home/li/.config/posdesk/posdesk.db`, false, datadir.Risk{Kind: datadir.Local}},
		{`/Users/li/Library/Application Support/posdesk/posdesk.db`, false, datadir.Risk{Kind: datadir.Local}},
		{`D:\账本\posdesk.db`, true, datadir.Risk{Kind: datadir.Local}},
		// Windows network paths.
		{`\\nas\shop\posdesk.db`, true, datadir.Risk{Kind: datadir.Network, Why: `\\nas\shop`}},
		{`//nas/shop/posdesk.db`, true, datadir.Risk{Kind: datadir.Network, Why: `\\nas\shop`}},
		{`\\?\UNC\nas\shop\posdesk.db`, true, datadir.Risk{Kind: datadir.Network, Why: `\\nas\shop`}},
		{`\\?\unc\nas\shop\posdesk.db`, true, datadir.Risk{Kind: datadir.Network, Why: `\\nas\shop`}},
		{`\\?\C:\posdesk\posdesk.db`, true, datadir.Risk{Kind: datadir.Local}},
		{`\\nas`, true, datadir.Risk{Kind: datadir.Network, Why: `\\nas`}},
		// Folder redirection of a roaming profile puts AppData on the server.
		{`\\dc01\profiles$\li\AppData\Roaming\posdesk\posdesk.db`, true, datadir.Risk{Kind: datadir.Network, Why: `\\dc01\profiles$`}},
		// //x on Linux is the root folder, not a share.
		{`//srv/posdesk.db`, false, datadir.Risk{Kind: datadir.Local}},
		// Cloud-sync folders, any case, business variants.
		{`C:\Users\li\OneDrive\posdesk\posdesk.db`, true, datadir.Risk{Kind: datadir.Cloud, Why: "OneDrive"}},
		{`C:\Users\li\OneDrive - 绿叶超市\账本\posdesk.db`, true, datadir.Risk{Kind: datadir.Cloud, Why: "OneDrive"}},
		{`C:\Users\li\onedrive\posdesk.db`, true, datadir.Risk{Kind: datadir.Cloud, Why: "OneDrive"}},
		{`/home/li/Dropbox/posdesk.db`, false, datadir.Risk{Kind: datadir.Cloud, Why: "Dropbox"}},
		{`/home/li/Dropbox (Personal)/posdesk.db`, false, datadir.Risk{Kind: datadir.Cloud, Why: "Dropbox"}},
		{`G:\My Drive\posdesk\posdesk.db`, true, datadir.Risk{Kind: datadir.Cloud, Why: "Google Drive"}},
		{`G:\我的云端硬盘\posdesk.db`, true, datadir.Risk{Kind: datadir.Cloud, Why: "Google Drive"}},
		{`/home/li/Google Drive/posdesk.db`, false, datadir.Risk{Kind: datadir.Cloud, Why: "Google Drive"}},
		{`C:\Users\li\iCloudDrive\posdesk.db`, true, datadir.Risk{Kind: datadir.Cloud, Why: "iCloud"}},
		{`/Users/li/Library/Mobile Documents/com~apple~CloudDocs/posdesk.db`, false, datadir.Risk{Kind: datadir.Cloud, Why: "iCloud"}},
		{`D:\我的坚果云\posdesk.db`, true, datadir.Risk{Kind: datadir.Cloud, Why: "坚果云 Nutstore"}},
		{`/home/li/Nutstore Files/posdesk.db`, false, datadir.Risk{Kind: datadir.Cloud, Why: "坚果云 Nutstore"}},
		{`D:\百度网盘同步空间\posdesk.db`, true, datadir.Risk{Kind: datadir.Cloud, Why: "百度网盘"}},
		{`D:\BaiduSyncdisk\posdesk.db`, true, datadir.Risk{Kind: datadir.Cloud, Why: "百度网盘"}},
		// A name that merely starts like a service is not one.
		{`/home/li/Dropboxes/posdesk.db`, false, datadir.Risk{Kind: datadir.Local}},
		{`/home/li/onedrivers/posdesk.db`, false, datadir.Risk{Kind: datadir.Local}},
		// GNOME network mounts.
		{`/run/user/1000/gvfs/smb-share:server=nas,share=shop/posdesk.db`, false, datadir.Risk{Kind: datadir.Network, Why: "smb-share:server=nas,share=shop"}},
	}
	for _, tt := range tests {
		got := datadir.PathRisk(tt.path, tt.windows)
		if got != tt.want {
			t.Errorf("PathRisk(%q, windows=%v) = %+v, want %+v", tt.path, tt.windows, got, tt.want)
		}
		if got.Risky() != (tt.want.Kind != datadir.Local) {
			t.Errorf("PathRisk(%q).Risky() = %v", tt.path, got.Risky())
		}
	}
}

func TestFSTypeRisk(t *testing.T) {
	tests := []struct {
		fstype string
		want   datadir.Kind
	}{
		{"ext4", datadir.Local}, {"btrfs", datadir.Local}, {"xfs", datadir.Local}, {"tmpfs", datadir.Local},
		{"overlay", datadir.Local}, {"vfat", datadir.Local}, {"ntfs3", datadir.Local},
		{"fuseblk", datadir.Local}, {"fuse.ntfs-3g", datadir.Local}, {"fuse.gocryptfs", datadir.Local},
		{"nfs", datadir.Network}, {"nfs4", datadir.Network}, {"cifs", datadir.Network}, {"smb3", datadir.Network},
		{"fuse.sshfs", datadir.Network}, {"fuse.gvfsd-fuse", datadir.Network}, {"fuse", datadir.Network},
		{"fuse.davfs2", datadir.Network}, {"FUSE.SSHFS", datadir.Network},
		{"fuse.rclone", datadir.Cloud}, {"fuse.s3fs", datadir.Cloud}, {"fuse.onedriver", datadir.Cloud},
	}
	for _, tt := range tests {
		if got := datadir.FSTypeRisk(tt.fstype); got.Kind != tt.want {
			t.Errorf("FSTypeRisk(%q) = %+v, want kind %s", tt.fstype, got, tt.want)
		}
	}
}

func TestFolderURL(t *testing.T) {
	tests := []struct{ dir, want string }{
		{`/home/li/.config/posdesk`, "file:///home/li/.config/posdesk"},
		{`/home/li/My Shop/账本`, "file:///home/li/My%20Shop/%E8%B4%A6%E6%9C%AC"},
		{`C:\Users\li\AppData\Roaming\posdesk`, "file:///C:/Users/li/AppData/Roaming/posdesk"},
		{`c:/Users/li`, "file:///c:/Users/li"},
		{`\\nas\shop\posdesk`, "file://nas/shop/posdesk"},
		{`\\?\UNC\nas\shop`, "file://nas/shop"},
		{`\\?\D:\posdesk`, "file:///D:/posdesk"},
	}
	for _, tt := range tests {
		if got := datadir.FolderURL(tt.dir).String(); got != tt.want {
			t.Errorf("FolderURL(%q) = %s, want %s", tt.dir, got, tt.want)
		}
	}
}
